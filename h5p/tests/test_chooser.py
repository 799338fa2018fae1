"""The admin chooser's single-object steps go through the same gate as its list."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def _admin_login(client, user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)


def test_chosen_answers_another_universitys_activity_as_missing(
    client, university, other_university, tiny_content
):
    chosen = reverse("h5p_content_chooser:chosen", args=[tiny_content.pk])
    _admin_login(client, f.make_member("editor", other_university))

    response = client.get(chosen)

    assert response.status_code == 404
    assert tiny_content.title not in response.content.decode()
    missing = reverse("h5p_content_chooser:chosen", args=[tiny_content.pk + 1000])
    assert client.get(missing).status_code == 404


def test_chosen_gives_the_own_universitys_activity(client, university, tiny_content):
    _admin_login(client, f.make_member("editor", university))

    response = client.get(reverse("h5p_content_chooser:chosen", args=[tiny_content.pk]))

    assert response.status_code == 200
    assert response.json()["result"]["title"] == tiny_content.title


def test_chosen_multiple_leaves_out_other_universities_and_malformed_ids(
    client, university, other_university, tiny_content
):
    url = reverse("h5p_content_chooser:chosen_multiple")
    _admin_login(client, f.make_member("editor", other_university))
    response = client.get(url, {"id": [tiny_content.pk, "x'; drop"]})
    assert response.status_code == 200
    assert response.json()["result"] == []

    _admin_login(client, f.make_member("editor", university))
    response = client.get(url, {"id": [tiny_content.pk]})
    assert [item["title"] for item in response.json()["result"]] == [tiny_content.title]
