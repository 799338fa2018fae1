"""The data migrations of ADR 0042: recounting stopped enrollments (0006) and dating lessons
recorded before `added_at` was kept (0007). Each runs in a fixed number of queries, however
many enrollments there are, and gives the same figures the services give."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from courses.models import LessonPage
from learning import services
from learning.models import Enrollment, OutlineLesson
from tests import factories as f

recount = importlib.import_module(
    "learning.migrations.0006_progress_follows_the_course"
).count_against_the_course_as_it_is
date_lessons = importlib.import_module(
    "learning.migrations.0007_lessons_added_before_0006"
).date_lessons_recorded_before_added_at


@pytest.fixture
def course(db):
    university = f.UniversityFactory(code="tnu")
    course = f.build_course(university, modules=1, lessons_per_module=2)
    f.open_run(course)
    return course


def _enroll(course, n):
    return [
        services.enrollment_create(
            learner=f.make_member("learner", course.university),
            run=course.runs.first(),
        )
        for _ in range(n)
    ]


def _complete(enrollment, course):
    for lesson in f.lessons_of(course):
        if lesson.quiz_blocks():
            assert f.quiz_attempt_answer(enrollment, lesson).passed
        else:
            services.lesson_mark_complete(enrollment=enrollment, lesson_key=lesson.translation_key)
    enrollment.refresh_from_db()
    assert enrollment.is_completed
    return enrollment


@pytest.mark.parametrize("learners", [1, 6])
def test_the_recount_is_one_query_whatever_the_number_of_enrollments(
    course, learners, django_assert_num_queries
):
    enrollments = [_complete(e, course) for e in _enroll(course, learners)]
    Enrollment.objects.update(lessons_total=9, lessons_completed=9)  # the stale figures
    outline = enrollments[0].outline
    extra = OutlineLesson.objects.filter(outline=outline).first()
    OutlineLesson.objects.create(  # a lesson that joined the course later, undone
        outline=outline,
        lesson_key="00000000-0000-0000-0000-000000000001",
        module_key=extra.module_key,
        module_title="m",
        title="Later",
        position=99,
    )
    OutlineLesson.objects.create(  # a lesson removed from the course: not counted
        outline=outline,
        lesson_key="00000000-0000-0000-0000-000000000002",
        module_key=extra.module_key,
        module_title="m",
        title="Gone",
        position=100,
        is_active=False,
    )
    with django_assert_num_queries(1):
        recount(apps, None)
    for enrollment in Enrollment.objects.all():
        assert (enrollment.lessons_completed, enrollment.lessons_total) == (2, 3)
        # The services count the same way.
        services.enrollment_progress_refresh(enrollment=enrollment, learner_activity=False)
        enrollment.refresh_from_db()
        assert (enrollment.lessons_completed, enrollment.lessons_total) == (2, 3)


def test_an_enrollment_still_active_is_left_to_the_services(course):
    (enrollment,) = _enroll(course, 1)
    Enrollment.objects.update(lessons_total=7, lessons_completed=1)
    recount(apps, None)
    enrollment.refresh_from_db()
    assert (enrollment.lessons_completed, enrollment.lessons_total) == (1, 7)


@pytest.mark.parametrize("learners", [1, 5])
def test_lessons_published_after_a_completion_before_0006_are_labelled_new(
    course, learners, django_assert_num_queries
):
    enrollments = [_complete(e, course) for e in _enroll(course, learners)]
    completed_at = enrollments[0].completed_at
    # As before 0006: no joining times and no count of new lessons.
    lessons = f.lessons_of(course)
    later = lessons[-1]
    OutlineLesson.objects.update(added_at=None)
    Enrollment.objects.update(lessons_new_since_completion=0)
    # The last lesson was first published after the learners completed, and is undone.
    Enrollment.objects.update(completed_at=completed_at - datetime.timedelta(days=3))
    LessonPage.objects.update(first_published_at=completed_at - datetime.timedelta(days=9))
    LessonPage.objects.filter(pk=later.pk).update(first_published_at=completed_at)
    for enrollment in enrollments:
        enrollment.lessons.filter(lesson_key=later.translation_key).delete()
    with django_assert_num_queries(2):
        date_lessons(apps, None)
    rows = dict(OutlineLesson.objects.values_list("lesson_key", "added_at"))
    assert rows[later.translation_key] == completed_at
    assert all(rows[lesson.translation_key] is not None for lesson in lessons)
    for enrollment in Enrollment.objects.all():
        assert enrollment.lessons_new_since_completion == 1
        assert enrollment.standing.lessons_new == 1
        # The services, reading the dates now kept, agree.
        services.enrollment_progress_refresh(enrollment=enrollment, learner_activity=False)
        enrollment.refresh_from_db()
        assert enrollment.lessons_new_since_completion == 1


def test_lessons_published_before_the_completion_stay_as_they_were(course):
    (enrollment,) = _enroll(course, 1)
    enrollment = _complete(enrollment, course)
    OutlineLesson.objects.update(added_at=None)
    LessonPage.objects.update(first_published_at=enrollment.completed_at)  # not after it
    date_lessons(apps, None)
    enrollment.refresh_from_db()
    assert enrollment.lessons_new_since_completion == 0
    assert not OutlineLesson.objects.filter(added_at__isnull=True).exists()
    assert OutlineLesson.objects.filter(added_at__lte=timezone.now()).count() == 2


def test_a_lesson_never_published_through_a_revision_keeps_an_unknown_date(course):
    # Pages created live (imports, seeds) have no first publication: not called new.
    _enroll(course, 1)
    OutlineLesson.objects.update(added_at=None)
    LessonPage.objects.update(first_published_at=None)
    date_lessons(apps, None)
    assert not OutlineLesson.objects.filter(added_at__isnull=False).exists()


def test_a_joining_time_already_kept_is_not_overwritten(course):
    _enroll(course, 1)
    kept = timezone.now() + datetime.timedelta(days=1)
    OutlineLesson.objects.update(added_at=kept)
    date_lessons(apps, None)
    assert set(OutlineLesson.objects.values_list("added_at", flat=True)) == {kept}
