"""Libraries managed by platform staff, and content deleted once nothing uses it."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AuditEvent
from h5p.libraries import lessons_using_content, library_usage
from h5p.models import H5PContent, H5PLibrary
from h5p.services import H5PError, h5p_content_create, h5p_content_delete, h5p_library_delete
from h5p.storage import h5p_root
from h5p.tests.conftest import lesson_with_activity
from h5p.tests.packages import tiny_quiz_h5p
from h5p.tests.test_admin import staff_client
from h5p.tests.test_completion import multichoice, record
from tests import factories as f

pytestmark = pytest.mark.django_db


def superuser_client(client):
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    return client


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def refused(response) -> bool:
    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard.
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def helper_library(needs: H5PLibrary) -> H5PLibrary:
    """An installed library that depends on `needs` (as H5P.Question does on JoubelUI)."""
    return H5PLibrary.objects.create(
        machine_name="H5P.IlmHelper",
        major_version=1,
        minor_version=2,
        patch_version=3,
        title="Ilm helper",
        metadata={
            "preloadedDependencies": [
                {"machineName": needs.machine_name, "majorVersion": 1, "minorVersion": 0}
            ]
        },
        installed_path="libraries/H5P.IlmHelper-1.2",
    )


def test_staff_see_libraries_with_versions_and_use(client, university, tiny_content):
    h5p_content_create(
        source=io.BytesIO(tiny_quiz_h5p(include_library=False, title="Second")),
        filename="second.h5p",
        university=university,
        may_install_libraries=False,
    )
    superuser_client(client)

    response = client.get(reverse("h5p_admin:libraries"))

    assert response.status_code == 200
    (usage,) = response.context["usages"]
    assert usage.library.machine_name == "H5P.IlmTinyQuiz"
    assert len(usage.contents) == 2 and usage.in_use
    body = response.content.decode()
    assert "H5P.IlmTinyQuiz" in body and "1.0.0" in body


def test_a_library_needed_only_through_another_counts_as_used(university, tiny_content):
    helper = helper_library(tiny_content.main_library)

    usage = {u.library.machine_name: u for u in library_usage()}

    assert usage["H5P.IlmTinyQuiz"].needed_by == [helper]
    assert not usage["H5P.IlmHelper"].in_use


@pytest.mark.parametrize("role", ["instructor", "editor"])
def test_only_platform_staff_reach_the_libraries_screen(client, university, tiny_content, role):
    staff_client(client, f.make_member(role, university))
    library = tiny_content.main_library

    assert refused(client.get(reverse("h5p_admin:libraries")))
    delete_url = reverse("h5p_admin:library_delete", kwargs={"pk": library.pk})
    assert refused(client.post(delete_url))
    assert H5PLibrary.objects.filter(pk=library.pk).exists()


def test_a_library_in_use_is_not_deleted(client, tiny_content):
    superuser_client(client)
    library = tiny_content.main_library
    url = reverse("h5p_admin:library_delete", kwargs={"pk": library.pk})

    assert "cannot be deleted while it is in use" in client.get(url).content.decode()
    response = client.post(url)

    assert response.status_code == 302
    assert H5PLibrary.objects.filter(pk=library.pk).exists()
    assert any("used by 1 H5P activities" in text for text in message_texts(response))
    assert (h5p_root() / library.installed_path).is_dir()


def test_a_library_another_needs_is_not_deleted(tiny_content):
    helper_library(tiny_content.main_library)
    h5p_content_delete(content=tiny_content)

    with pytest.raises(H5PError) as refused:
        h5p_library_delete(library=H5PLibrary.objects.get(machine_name="H5P.IlmTinyQuiz"))

    assert refused.value.code == "library_needed"
    assert "H5P.IlmHelper 1.2.3" in refused.value.message


def test_an_unused_library_is_deleted_with_its_files(
    client, tiny_content, django_capture_on_commit_callbacks
):
    library = tiny_content.main_library
    folder = h5p_root() / library.installed_path
    h5p_content_delete(content=tiny_content)
    superuser_client(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("h5p_admin:library_delete", kwargs={"pk": library.pk}))

    assert response.status_code == 302
    assert not H5PLibrary.objects.exists()
    assert not folder.exists()
    event = AuditEvent.objects.get(action="h5p_library.deleted")
    assert event.details == {"library": "H5P.IlmTinyQuiz 1.0.0"} and event.actor.is_superuser


def test_an_instructor_deletes_content_no_lesson_uses(
    client, university, tiny_content, django_capture_on_commit_callbacks
):
    instructor = f.make_member("instructor", university)
    staff_client(client, instructor)
    folder = h5p_root() / tiny_content.folder
    url = reverse("h5p_admin:content_delete", kwargs={"pk": tiny_content.pk})
    assert "No lesson uses it" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert not H5PContent.objects.exists()
    assert not folder.exists()
    assert H5PLibrary.objects.exists()  # libraries stay until staff remove them
    event = AuditEvent.objects.get(action="h5p_content.deleted")
    assert (event.actor, event.university) == (instructor, university)
    assert event.details["content_id"] == tiny_content.pk


def test_content_a_lesson_uses_is_not_deleted(client, university, tiny_content):
    setup = lesson_with_activity(university, tiny_content)
    staff_client(client, f.make_member("instructor", university))
    url = reverse("h5p_admin:content_delete", kwargs={"pk": tiny_content.pk})

    assert setup.lesson.title in client.get(url).content.decode()
    response = client.post(url)

    assert H5PContent.objects.filter(pk=tiny_content.pk).exists()
    assert any("remove it from those lessons first" in t for t in message_texts(response))
    assert not AuditEvent.objects.filter(action="h5p_content.deleted").exists()
    assert (h5p_root() / tiny_content.folder).is_dir()


def test_content_only_a_draft_uses_is_not_deleted(university, tiny_content):
    course = f.build_course(university, modules=1, lessons_per_module=1, quiz_in_last_lesson=False)
    lesson = f.lessons_of(course)[0]
    lesson.body = [("h5p", {"content": tiny_content, "height": 300})]
    lesson.save_revision()

    assert lessons_using_content(tiny_content) == [lesson.title]
    with pytest.raises(H5PError) as refused:
        h5p_content_delete(content=tiny_content)
    assert refused.value.code == "content_in_use"


def test_content_learners_attempted_is_kept_after_its_lesson_drops_it(university, tiny_content):
    setup = lesson_with_activity(university, tiny_content)
    record(setup, tiny_content, multichoice(tiny_content, raw=1))
    setup.lesson.body = [("rich_text", "<p>No activity now.</p>")]
    f.publish(setup.lesson)

    with pytest.raises(H5PError) as refused:
        h5p_content_delete(content=tiny_content)

    assert refused.value.code in {"content_attempted", "content_in_use"}
    assert H5PContent.objects.filter(pk=tiny_content.pk).exists()


def test_another_universitys_instructor_cannot_delete_content(
    client, other_university, tiny_content
):
    staff_client(client, f.make_member("instructor", other_university))
    url = reverse("h5p_admin:content_delete", kwargs={"pk": tiny_content.pk})

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert H5PContent.objects.filter(pk=tiny_content.pk).exists()


def test_a_learner_cannot_delete_content(client, university, tiny_content):
    client.force_login(f.make_member("learner", university))
    url = reverse("h5p_admin:content_delete", kwargs={"pk": tiny_content.pk})

    response = client.post(url)

    assert response.status_code in (302, 403, 404)
    assert H5PContent.objects.filter(pk=tiny_content.pk).exists()


def test_missing_ids_answer_not_found_even_to_staff(client, tiny_content):
    superuser_client(client)
    missing = tiny_content.pk + 1000

    for name in ("h5p_admin:results", "h5p_admin:content_delete", "h5p_admin:library_delete"):
        assert client.get(reverse(name, kwargs={"pk": missing})).status_code == 404
