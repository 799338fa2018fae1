"""Refusing runnable types at upload, and moving files out of the old public folder."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.users.models import UserProfile

from uploads.services import uploads_relocate

from .conftest import make_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["page.html", "page.htm", "app.js", "page.xhtml", "run.exe"])
def test_runnable_documents_are_refused_at_upload_with_a_clear_message(people, collection_a, name):
    client = Client()
    client.force_login(people["instructor_a"])
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Sneaky",
            "collection": collection_a.pk,
            "file": SimpleUploadedFile(name, b"<script>alert(1)</script>"),
        },
    )
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["form"].errors["file"]
    assert errors == [errors[0]]
    assert "could run them" in errors[0]
    assert not get_document_model().objects.filter(title="Sneaky").exists()


def test_the_refusal_is_translated(people, collection_a):
    instructor = people["instructor_a"]
    profile = UserProfile.get_for_user(instructor)
    profile.preferred_language = "ru"
    profile.save()
    client = Client()
    client.force_login(instructor)
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Sneaky",
            "collection": collection_a.pk,
            "file": SimpleUploadedFile("page.html", b"<p>x</p>"),
        },
    )
    assert "Файлы «.html» не принимаются" in response.content.decode()


def test_a_teaching_document_is_accepted(people, collection_a):
    client = Client()
    client.force_login(people["instructor_a"])
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Syllabus",
            "collection": collection_a.pk,
            "file": SimpleUploadedFile("syllabus.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    assert response.status_code == 302
    assert get_document_model().objects.filter(title="Syllabus").exists()


def test_relocating_moves_old_public_files_and_is_safe_to_repeat(tmp_path, settings):
    legacy = tmp_path / "media"
    (legacy / "documents").mkdir(parents=True)
    (legacy / "documents" / "a.txt").write_bytes(b"a")
    (legacy / "original_images").mkdir()
    (legacy / "original_images" / "b.gif").write_bytes(b"bb")
    (legacy / ".gitkeep").write_bytes(b"")
    private = tmp_path / "uploads"

    first = uploads_relocate(source=legacy, destination=private)
    assert sorted(first.moved) == ["documents/a.txt", "original_images/b.gif"]
    assert (private / "documents" / "a.txt").read_bytes() == b"a"
    assert not (legacy / "documents" / "a.txt").exists()
    assert (legacy / ".gitkeep").exists()

    again = uploads_relocate(source=legacy, destination=private)
    assert (again.moved, again.already_there, again.conflicts) == ([], [], [])

    # A copy left behind by an interrupted run is removed; a different file is not touched.
    (legacy / "documents" / "a.txt").write_bytes(b"a")
    (legacy / "original_images" / "b.gif").write_bytes(b"changed")
    third = uploads_relocate(source=legacy, destination=private)
    assert third.already_there == ["documents/a.txt"]
    assert third.conflicts == ["original_images/b.gif"]
    assert (legacy / "original_images" / "b.gif").read_bytes() == b"changed"
    assert (private / "original_images" / "b.gif").read_bytes() == b"bb"


def test_a_relocated_document_keeps_being_served(tmp_path, settings, people, collection_a):
    """The database keeps the same names: after the move the gated view finds the file."""
    document = make_document(collection_a, "kept.txt", b"kept")
    legacy = tmp_path / "media"
    (legacy / "documents").mkdir(parents=True)
    moved = legacy / document.file.name
    moved.write_bytes(b"kept")
    (settings.MEDIA_ROOT / document.file.name).unlink()
    settings.LEGACY_MEDIA_ROOT = legacy
    call_command("uploads_relocate")
    assert not moved.exists()
    client = Client()
    client.force_login(people["instructor_a"])
    response = client.get(reverse("wagtaildocs_serve", args=[document.pk, document.filename]))
    assert b"".join(response.streaming_content) == b"kept"
