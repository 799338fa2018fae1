import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse
from wagtail.documents import get_document_model

from audit.models import AuditEvent
from courses.models import CoursePage, LessonPage
from tests import factories as f
from universities import roles

pytestmark = pytest.mark.django_db


def draft_lesson(course, title):
    module = course.get_children().first()
    lesson = LessonPage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        live=False,
        body=[{"type": "rich_text", "value": "<p>draft</p>"}],
    )
    module.add_child(instance=lesson)
    lesson.save_revision()
    return lesson


def test_page_chooser_and_search_hide_other_universities_drafts(client, course_a, course_b, uni_b):
    draft_lesson(course_a, "Secret draft of A")
    client.force_login(f.make_member("editor", uni_b))
    chooser = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Secret"})
    assert chooser.status_code == 200
    assert b"Secret draft of A" not in chooser.content
    search = client.get(reverse("wagtailadmin_pages:search"), {"q": "Secret"})
    assert b"Secret draft of A" not in search.content
    # The author's own university sees it.
    client.force_login(f.make_member("instructor", course_a.university))
    chooser = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Secret"})
    assert b"Secret draft of A" in chooser.content


def test_instructors_cannot_create_courses_but_editors_can(client, course_a, uni_a):
    section = course_a.get_parent()
    url = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", section.pk])
    client.force_login(f.make_member("instructor", uni_a))
    response = client.get(url)
    assert response.status_code == 302
    before = CoursePage.objects.count()
    client.post(url, {"title": "Sneaky", "slug": "sneaky"})
    assert CoursePage.objects.count() == before
    client.force_login(f.make_member("editor", uni_a))
    assert client.get(url).status_code == 200


def test_documents_of_a_university_stay_inside_it(client, course_a, uni_a, uni_b):
    collection = roles.university_roles_provision(uni_a).collection
    document = get_document_model().objects.create(
        title="Exam answers",
        file=ContentFile(b"answers", name="answers.txt"),
        collection=collection,
    )
    url = reverse("wagtaildocs_serve", args=[document.pk, document.filename])
    assert client.get(url).status_code == 404
    client.force_login(f.make_member("editor", uni_b))
    assert client.get(url).status_code == 404
    client.force_login(f.make_member("instructor", uni_a))
    assert client.get(url).status_code == 200
    # B's editors do not see it in the admin listing either.
    client.force_login(f.make_member("editor", uni_b))
    listing = client.get(reverse("wagtaildocs:index"))
    assert listing.status_code == 200
    assert b"Exam answers" not in listing.content


def test_audit_log_is_read_only_and_scoped(client, uni_a, uni_b):
    f.make_member("instructor", uni_a)  # writes a membership.granted event for A
    event_a = AuditEvent.objects.filter(university=uni_a).first()
    editor_b = f.make_member("editor", uni_b)
    client.force_login(editor_b)
    index = client.get(reverse("audit_events:index"))
    assert index.status_code == 200
    assert event_a.actor_email.encode() not in index.content or not event_a.actor_email
    assert event_a.summary.encode() not in index.content
    assert client.get(reverse("audit_events:inspect", args=[event_a.pk])).status_code == 404
    staff = f.UserFactory(is_superuser=True)
    client.force_login(staff)
    assert client.get(reverse("audit_events:inspect", args=[event_a.pk])).status_code == 200
    assert event_a.summary.encode() in client.get(reverse("audit_events:index")).content
    # No add, edit or delete views exist, and the model refuses changes.
    for name in ("add", "edit", "delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"audit_events:{name}", args=[event_a.pk] if name != "add" else [])
    with pytest.raises(ValueError):
        event_a.save()
    # A learner or instructor without the permission is kept out.
    client.force_login(f.make_member("instructor", uni_a))
    assert client.get(reverse("audit_events:index")).status_code in (302, 403)
