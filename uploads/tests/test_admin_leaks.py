"""Regression tests for what the access matrix found naming University A's images and
documents to B's staff in Wagtail's admin: the admin API's image and document endpoints
(`uploads.admin_api`) and bulk actions on images and documents (`uploads.apps` plugs its gate
into `universities.admin_views.bulk_action`)."""

import pytest
from django.urls import reverse

from .conftest import make_document, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def files_a(collection_a):
    return {
        "images": make_image(collection_a, "secret-diagram-of-a.gif"),
        "documents": make_document(collection_a, "secret-handout-of-a.pdf"),
    }


@pytest.mark.parametrize("kind", ["images", "documents"])
def test_admin_api_lists_and_finds_only_the_callers_files(client, people, files_a, kind):
    item = files_a[kind]
    listing = reverse(f"wagtailadmin_api:{kind}:listing")
    detail = reverse(f"wagtailadmin_api:{kind}:detail", args=[item.pk])
    client.force_login(people["instructor_b"])
    assert item.title.encode() not in client.get(listing).content
    assert client.get(detail).status_code == 404
    client.force_login(people["instructor_a"])
    assert item.title.encode() in client.get(listing).content
    assert client.get(detail).status_code == 200


@pytest.mark.parametrize(
    ("app_label", "model_name", "kind"),
    [("wagtailimages", "image", "images"), ("wagtaildocs", "document", "documents")],
)
@pytest.mark.parametrize("ids", ["explicit", "all"])
def test_bulk_delete_never_names_another_universitys_file(
    client, people, files_a, app_label, model_name, kind, ids
):
    item = files_a[kind]
    url = reverse("wagtail_bulk_action", args=[app_label, model_name, "delete"])
    query = {"id": [item.pk] if ids == "explicit" else "all"}
    client.force_login(people["instructor_b"])
    response = client.get(url, query)
    assert response.status_code in (200, 404)
    assert item.title.encode() not in response.content
    client.force_login(people["instructor_a"])
    response = client.get(url, query)
    assert response.status_code == 200
    assert item.title.encode() in response.content
