"""Documents are reachable only through the gated view, and never run on the site's origin."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import factories as f

from .conftest import make_document

pytestmark = pytest.mark.django_db

REFUSED = ("anon", "learner_a", "learner_b", "instructor_b", "editor_b")


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def serve_url(document):
    return reverse("wagtaildocs_serve", args=[document.pk, document.filename])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_file_is_stored_outside_the_publicly_served_folder(document_a):
    path = Path(document_a.file.path).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.LEGACY_MEDIA_ROOT).resolve())


@pytest.mark.parametrize("role", [None, "learner_b", "editor_b", "staff"])
def test_no_one_gets_a_document_by_its_storage_url(people, document_a, role):
    """The finding: /media/documents/<name> served the file to anyone."""
    url = document_a.file.url
    assert url == f"/media/{document_a.file.name}"
    response = client_for(people.get(role)).get(url)
    assert response.status_code == 404
    assert b"secret draft of A" not in body(response)


@pytest.mark.parametrize("role", REFUSED)
def test_the_gated_view_refuses_other_universities_learners_and_anonymous(people, document_a, role):
    response = client_for(people.get(role)).get(serve_url(document_a))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["instructor_a", "editor_a", "staff"])
def test_the_owning_university_and_staff_get_the_file(people, document_a, role):
    response = client_for(people[role]).get(serve_url(document_a))
    assert response.status_code == 200
    assert body(response) == b"secret draft of A"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private")


def test_a_document_a_live_page_uses_is_served_to_its_readers(people, uni_a, document_a):
    course = f.build_course(uni_a, modules=1, lessons_per_module=1)
    lesson = f.lessons_of(course)[0]
    lesson.body = [{"type": "resource", "value": {"document": document_a.pk, "description": ""}}]
    f.publish(lesson)
    assert client_for(None).get(serve_url(document_a)).status_code == 200
    assert client_for(people["learner_b"]).get(serve_url(document_a)).status_code == 200


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<script>alert(document.cookie)</script>"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("feed.xml", b"<x:script xmlns:x='http://www.w3.org/1999/xhtml'>alert(1)</x:script>"),
        ("app.js", b"alert(1)"),
    ],
)
def test_a_runnable_document_is_a_sandboxed_download(people, collection_a, name, content):
    """Files uploaded before the type check (or through code) still never render inline."""
    document = make_document(collection_a, name, content)
    response = client_for(people["staff"]).get(serve_url(document))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_pdf_opens_in_the_browser_but_fetches_nothing(people, collection_a):
    document = make_document(collection_a, "notes.pdf", b"%PDF-1.4\n%%EOF\n")
    response = client_for(people["instructor_a"]).get(serve_url(document))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_the_proxy_sends_the_bytes_when_a_setting_says_so(people, document_a, settings):
    staff = client_for(people["staff"])
    settings.FILE_DELIVERY = "x-accel-redirect"
    response = staff.get(serve_url(document_a))
    assert response["X-Accel-Redirect"] == f"/internal-uploads/{document_a.file.name}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("inline")
    settings.FILE_DELIVERY = "x-sendfile"
    response = staff.get(serve_url(document_a))
    assert response["X-Sendfile"] == document_a.file.path
    assert response.content == b""
    # The gate runs before any hand-off.
    assert client_for(people["editor_b"]).get(serve_url(document_a)).status_code == 404
