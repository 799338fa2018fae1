"""The editor's review queue names each page's course, university and what changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from courses.models import LessonPage, ModulePage
from courses.review_queue import review_context
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    university = f.UniversityFactory(code="rq", name="Review University")
    course = f.build_course(university, title="Ethics of AI", modules=1, lessons_per_module=1)
    instructor = f.make_member("instructor", university)
    lesson = LessonPage.objects.child_of(course.get_children().first()).get().specific
    lesson.title = "Bias, revised"
    lesson.estimated_minutes = 35
    revision = lesson.save_revision(user=instructor)
    lesson.get_workflow().start(lesson, instructor)
    new_module = ModulePage(title="Brand new module", slug="brand-new", live=False)
    course.add_child(instance=new_module)
    new_revision = new_module.save_revision(user=instructor)
    new_module.get_workflow().start(new_module, instructor)
    return {
        "university": university,
        "course": course,
        "lesson": lesson,
        "revision": revision,
        "new_module": new_module,
        "new_revision": new_revision,
    }


def test_review_context_names_course_university_and_changed_fields(submitted):
    lesson, new_module = submitted["lesson"], submitted["new_module"]
    lesson.refresh_from_db()
    new_module.refresh_from_db()
    with translation.override("en"):
        edited, created = review_context(
            [(lesson, submitted["revision"]), (new_module, submitted["new_revision"])]
        )
    assert edited["owner"].pk == submitted["course"].pk
    assert edited["university"] == submitted["university"]
    assert edited["is_new"] is False
    assert edited["changes"] == ["title", "estimated minutes"]
    assert created["owner"].pk == submitted["course"].pk
    assert created["is_new"] is True


def test_review_context_costs_the_same_queries_whatever_the_queue_length(submitted):
    lesson, new_module = submitted["lesson"], submitted["new_module"]
    items = [(lesson, submitted["revision"]), (new_module, submitted["new_revision"])]
    with CaptureQueriesContext(connection) as short:
        review_context(items)
    with CaptureQueriesContext(connection) as long:
        review_context(items * 5)
    assert len(long.captured_queries) == len(short.captured_queries) <= 5


def test_the_dashboard_queue_shows_the_context_to_the_universitys_editor(client, submitted):
    client.force_login(f.make_member("editor", submitted["university"]))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    page = response.content.decode()
    queue = page[page.index("awaiting-review") :]
    for text in ("Bias, revised", "Ethics of AI", "Review University", "estimated minutes"):
        assert text in queue
    assert "New page" in queue
    assert "Brand new module" in queue


def test_another_universitys_editor_sees_nothing_of_it(client, submitted):
    client.force_login(f.make_member("editor", f.UniversityFactory(code="rq2")))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "Ethics of AI" not in response.content.decode()


def test_changes_are_read_against_the_live_revision_when_there_is_one(submitted):
    course = submitted["course"]
    editor = f.make_member("editor", submitted["university"])
    course.save_revision(user=editor).publish()  # published through a revision, as the admin does
    course.refresh_from_db()
    course.summary = "A new summary."
    revision = course.save_revision(user=editor)
    course.refresh_from_db()
    assert course.live_revision_id is not None
    with translation.override("en"):
        (context,) = review_context([(course, revision)])
    assert context["changes"] == ["summary"]
    assert context["owner"].pk == course.pk
