"""Without a separate H5P origin (ADR 0061) H5P activities play only online: the save page
and the manifest say which saved lessons hold one, so nobody expects them to play offline."""

import pytest
from django.test import Client
from django.urls import reverse

from h5p.tests.conftest import h5p_root, lesson_with_activity, tiny_content  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_save_page_says_which_activities_need_a_connection(university, tiny_content):  # noqa: F811
    setup = lesson_with_activity(university, tiny_content)
    client = Client()
    client.force_login(setup.learner)
    page = client.get(reverse("offline:course", args=[setup.course.pk])).content.decode()
    assert "Interactive (H5P) activities need a connection" in page
    assert "activity needs a connection" in page
    manifest = client.get(reverse("offline:manifest", args=[setup.course.pk])).json()
    assert [lesson["needs_connection"] for lesson in manifest["lessons"]] == [True]


def test_a_course_without_activities_says_nothing_about_them(client_as, course, enrollment):
    page = client_as.get(reverse("offline:course", args=[course.pk])).content.decode()
    assert "need a connection" not in page
    manifest = client_as.get(reverse("offline:manifest", args=[course.pk])).json()
    assert not any(lesson["needs_connection"] for lesson in manifest["lessons"])


@pytest.fixture
def client_as(learner):
    client = Client()
    client.force_login(learner)
    return client


def test_with_an_h5p_origin_activities_are_saved_too(settings, university, tiny_content):  # noqa: F811
    settings.ILM_H5P_ORIGIN = "http://h5p.testserver"
    setup = lesson_with_activity(university, tiny_content)
    client = Client()
    client.force_login(setup.learner)
    page = client.get(reverse("offline:course", args=[setup.course.pk])).content.decode()
    assert "need a connection" not in page
    manifest = client.get(reverse("offline:manifest", args=[setup.course.pk])).json()
    assert [lesson["needs_connection"] for lesson in manifest["lessons"]] == [False]
