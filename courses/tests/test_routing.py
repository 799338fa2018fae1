"""Remembered page routes (`courses.routing`): one page query instead of two per tree level,
the same count for any course size, and never a stale page.

Every test reads a page once so its route is remembered, changes the tree, then reads again.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from courses.models import LessonPage
from learning import services as learning
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=[False, True], ids=["kept-off", "kept-on"])
def no_remembered_routes(request, settings):
    # Each test runs with the page cache, and so `courses.kept` (the site, the lesson's course,
    # the outline, the language links), off and on: no kept value may outlive a change.
    settings.PAGE_CACHE = request.param
    cache.clear()  # page ids repeat between tests


@pytest.fixture
def tnu():
    return f.UniversityFactory(code="tnu", name="Tajik National University")


def page_queries(client, url) -> tuple[int, int]:
    """The answer's status, and how many queries it made."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, len(queries.captured_queries)


def learner_in(course):
    learner = f.make_member("learner", course.university)
    enrollment = learning.enrollment_create(learner=learner, run=f.open_run(course))
    return learner, enrollment


def test_a_remembered_lesson_is_found_with_one_page_query(client, tnu):
    course = f.build_course(tnu, modules=2, lessons_per_module=2)
    learner, _enrollment = learner_in(course)
    client.force_login(learner)
    lesson = f.lessons_of(course)[1]
    first_status, first_total = page_queries(client, lesson.url)
    status, total = page_queries(client, lesson.url)
    assert first_status == status == 200
    # The walk: two queries a level below the root, four levels. Remembered: one query for
    # the lesson itself.
    assert total <= first_total - 6


def test_the_query_count_does_not_grow_with_the_course(client, tnu):
    small = f.build_course(tnu, modules=1, lessons_per_module=1, quiz_in_last_lesson=False)
    large = f.build_course(tnu, modules=4, lessons_per_module=5, quiz_in_last_lesson=False)
    counts = []
    for course in (small, large):
        learner, enrollment = learner_in(course)
        first = f.lessons_of(course)[0]
        learning.lesson_mark_complete(enrollment=enrollment, lesson_key=first.translation_key)
        client.force_login(learner)
        client.get(first.url)
        status, total = page_queries(client, first.url)
        assert status == 200
        counts.append(total)
    assert counts[0] == counts[1]


def test_an_unpublished_lesson_is_not_served_from_its_remembered_route(client, tnu):
    course = f.build_course(tnu, modules=1, lessons_per_module=2)
    learner, _enrollment = learner_in(course)
    client.force_login(learner)
    lesson = f.lessons_of(course)[0]
    assert client.get(lesson.url).status_code == 200
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404


def test_a_renamed_module_moves_its_lessons_address_at_once(client, tnu):
    course = f.build_course(tnu, modules=1, lessons_per_module=1)
    learner, _enrollment = learner_in(course)
    client.force_login(learner)
    lesson = f.lessons_of(course)[0]
    old_url = lesson.url
    assert client.get(old_url).status_code == 200
    module = lesson.get_parent().specific
    module.slug = "renamed-module"
    module.save_revision().publish()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert "renamed-module" in lesson.url
    assert client.get(old_url).status_code == 404
    assert client.get(lesson.url).status_code == 200


def test_a_lesson_moved_to_another_module_is_found_at_its_new_address(client, tnu):
    course = f.build_course(tnu, modules=2, lessons_per_module=1, quiz_in_last_lesson=False)
    learner, _enrollment = learner_in(course)
    client.force_login(learner)
    lesson = f.lessons_of(course)[0]
    old_url = lesson.url
    assert client.get(old_url).status_code == 200
    other_module = course.get_children().last()
    lesson.move(other_module, pos="last-child")
    lesson = LessonPage.objects.get(pk=lesson.pk)
    # Wagtail leaves a redirect at the old address; the remembered route is not used.
    old = client.get(old_url)
    assert old.status_code in (301, 404)
    if old.status_code == 301:
        assert old["Location"] == lesson.url
    assert client.get(lesson.url).status_code == 200


def test_a_deleted_page_leaves_a_404_and_a_new_page_takes_its_address(client, tnu):
    course = f.build_course(tnu, modules=1, lessons_per_module=2, quiz_in_last_lesson=False)
    learner, _enrollment = learner_in(course)
    client.force_login(learner)
    lesson = f.lessons_of(course)[0]
    url, slug, module = lesson.url, lesson.slug, lesson.get_parent()
    assert client.get(url).status_code == 200
    lesson.delete()
    assert client.get(url).status_code == 404
    replacement = LessonPage(
        title="The replacement", slug=slug, body=[{"type": "rich_text", "value": "<p>new</p>"}]
    )
    module.add_child(instance=replacement)
    replacement.save_revision().publish()
    response = client.get(url)
    assert response.status_code == 200
    assert "The replacement" in response.content.decode()


def test_a_page_served_in_another_language_gives_way_to_its_translation_at_once(client, tnu):
    """Without a Russian version, `/ru/...` serves the English course; that route is not
    remembered, so the Russian version is served the moment it is published."""
    course = f.build_course(tnu, modules=1, lessons_per_module=1)
    path = course.url.removeprefix("/en/")
    assert client.get(f"/en/{path}").context["page"].locale.language_code == "en"
    before = client.get(f"/ru/{path}")
    assert before.status_code == 200
    assert before.context["page"].pk == course.pk
    russian = course.copy_for_translation(Locale.objects.get(language_code="ru"), copy_parents=True)
    russian.title = "Курс по-русски"
    russian.save_revision().publish()
    after = client.get(f"/ru/{path}")
    assert after.status_code == 200
    assert after.context["page"].pk == russian.pk
    assert client.get(f"/en/{path}").context["page"].pk == course.pk


def test_a_draft_preview_or_password_page_is_not_affected(client, tnu):
    """Wagtail's own `_util/` pages keep their views (the remembered routes skip them)."""
    response = client.get("/en/_util/login/")
    assert response.status_code == 200
