"""Replacing an activity's package with a new version of the same content (issue 17, item 5):
the lessons, results and attempts stay; a package of another content type is refused and
changes nothing."""

import io
import json

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from h5p.archive import ArchiveRejected
from h5p.libraries import lessons_using_content
from h5p.models import H5PAttempt, H5PContent, H5PLibrary, H5PUserData
from h5p.services import h5p_content_replace
from h5p.storage import h5p_root
from h5p.tests.conftest import lesson_with_activity
from h5p.tests.packages import TINY_QUIZ_FOLDER, build_h5p, tiny_quiz_files
from h5p.tests.test_admin import staff_client
from h5p.tests.test_completion import multichoice, record
from h5p.tests.test_libraries import superuser_client
from tests import factories as f

pytestmark = pytest.mark.django_db


def new_version(score: int = 1) -> bytes:
    """The tiny quiz exported again with other content, without its (installed) library."""
    return build_h5p(
        tiny_quiz_files(title="Tiny quiz, second edition", score=score, include_library=False)
    )


def another_content_type() -> bytes:
    """A valid package whose content type is not the tiny quiz."""
    files = tiny_quiz_files()
    renamed = {}
    for name, data in files.items():
        if name.startswith(f"{TINY_QUIZ_FOLDER}/"):
            name = name.replace(TINY_QUIZ_FOLDER, "H5P.IlmOtherQuiz-1.0", 1)
            if name.endswith("library.json"):
                library = json.loads(data)
                library["machineName"] = "H5P.IlmOtherQuiz"
                data = json.dumps(library).encode()
        elif name == "h5p.json":
            manifest = json.loads(data)
            manifest["mainLibrary"] = "H5P.IlmOtherQuiz"
            manifest["preloadedDependencies"][0]["machineName"] = "H5P.IlmOtherQuiz"
            data = json.dumps(manifest).encode()
        renamed[name] = data
    return build_h5p(renamed)


def content_json(content) -> dict:
    return json.loads((h5p_root() / content.folder / "content" / "content.json").read_text())


def test_a_new_version_takes_the_place_of_the_old_and_keeps_lessons_and_attempts(
    university, tiny_content, django_capture_on_commit_callbacks
):
    setup = lesson_with_activity(university, tiny_content)
    record(setup, tiny_content, multichoice(tiny_content, raw=1))
    H5PUserData.objects.create(
        user=setup.learner, content=tiny_content, data_type="state", data="{}"
    )
    old_folder = h5p_root() / tiny_content.folder
    assert content_json(tiny_content)["score"] == 3

    with django_capture_on_commit_callbacks(execute=True):
        replaced = h5p_content_replace(
            content=tiny_content,
            source=io.BytesIO(new_version(score=1)),
            filename="tiny-v2.h5p",
            may_install_libraries=False,
        )

    assert replaced.pk == tiny_content.pk and replaced.uuid == tiny_content.uuid
    assert replaced.folder != tiny_content.folder
    assert content_json(replaced)["score"] == 1
    assert not old_folder.exists()
    assert lessons_using_content(replaced) == [setup.lesson.title]
    assert H5PAttempt.objects.filter(content=replaced).count() == 1
    # A saved state describes the old version; the player starts the new one afresh.
    assert not H5PUserData.objects.filter(content=replaced).exists()


def test_a_package_of_another_content_type_is_refused_and_nothing_changes(university, tiny_content):
    before = H5PContent.objects.values().get(pk=tiny_content.pk)
    folders = set((h5p_root() / "content").iterdir())
    libraries = H5PLibrary.objects.count()

    with pytest.raises(ArchiveRejected) as refused:
        h5p_content_replace(
            content=tiny_content,
            source=io.BytesIO(another_content_type()),
            filename="other.h5p",
            may_install_libraries=True,
        )

    assert refused.value.code == "different-content-type"
    assert "H5P.IlmOtherQuiz" in refused.value.message
    assert H5PContent.objects.values().get(pk=tiny_content.pk) == before
    assert set((h5p_root() / "content").iterdir()) == folders
    assert H5PLibrary.objects.count() == libraries
    assert not (h5p_root() / "libraries" / "H5P.IlmOtherQuiz-1.0").exists()


def test_a_broken_package_is_refused_and_the_activity_keeps_its_files(university, tiny_content):
    folder = h5p_root() / tiny_content.folder
    with pytest.raises(ArchiveRejected):
        h5p_content_replace(
            content=tiny_content,
            source=io.BytesIO(b"not a zip at all"),
            filename="broken.h5p",
            may_install_libraries=False,
        )
    assert folder.is_dir()
    assert H5PContent.objects.get(pk=tiny_content.pk).folder == tiny_content.folder


def _upload(data: bytes, name: str = "tiny-v2.h5p"):
    return SimpleUploadedFile(name, data, content_type="application/zip")


def test_the_activitys_instructor_replaces_it_from_the_admin(client, university, tiny_content):
    instructor = f.make_member("instructor", university)
    staff_client(client, instructor)
    url = reverse("h5p_admin:content_replace", kwargs={"pk": tiny_content.pk})
    assert "Upload a new version of" in client.get(url).content.decode()

    response = client.post(url, {"package": _upload(new_version(score=2))})

    assert response.status_code == 302
    (message,) = get_messages(response.wsgi_request)
    assert "replaced by the new version" in str(message)
    assert content_json(H5PContent.objects.get(pk=tiny_content.pk))["score"] == 2
    event = AuditEvent.objects.get(action="h5p_content.replaced")
    assert (event.actor, event.university, event.target_id) == (
        instructor,
        university,
        str(tiny_content.pk),
    )


def test_the_admin_names_why_a_package_of_another_type_is_refused(client, tiny_content):
    # Platform staff, who may install the other type's library: the type is what refuses it.
    superuser_client(client)
    url = reverse("h5p_admin:content_replace", kwargs={"pk": tiny_content.pk})

    response = client.post(
        url, {"package": _upload(another_content_type(), "other.h5p"), "install_libraries": "on"}
    )

    assert response.status_code == 400
    assert "Upload it as a new activity instead." in response.content.decode()
    assert H5PContent.objects.get(pk=tiny_content.pk).folder == tiny_content.folder


def test_another_universitys_instructor_cannot_replace_it(client, other_university, tiny_content):
    staff_client(client, f.make_member("instructor", other_university))
    url = reverse("h5p_admin:content_replace", kwargs={"pk": tiny_content.pk})

    assert client.get(url).status_code == 404
    assert client.post(url, {"package": _upload(new_version())}).status_code == 404
    assert H5PContent.objects.get(pk=tiny_content.pk).folder == tiny_content.folder


@pytest.mark.parametrize("who", ["learner", "anonymous"])
def test_learners_and_anonymous_cannot_replace_it(client, university, tiny_content, who):
    if who == "learner":
        client.force_login(f.make_member("learner", university))
    url = reverse("h5p_admin:content_replace", kwargs={"pk": tiny_content.pk})

    response = client.post(url, {"package": _upload(new_version())})

    assert response.status_code in (302, 403, 404)
    if who == "anonymous":
        assert "login" in response["Location"]
    assert H5PContent.objects.get(pk=tiny_content.pk).folder == tiny_content.folder
