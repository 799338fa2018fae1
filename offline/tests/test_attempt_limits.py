"""Saving a course opens its quizzes' attempts (ADR 0041); only attempts a learner submits
count against a limit, even one set or lowered after the course was saved, and saving again
after a republish never opens a second attempt beside the first."""

import pytest

from courses.models import LessonPage
from learning import quiz_services, selectors
from learning.models import Enrollment, QuizAttempt
from learning.selectors import quiz_results
from learning.services import LearningError
from learning.tests.test_quiz_attempts import quiz_course
from offline import services
from tests import factories as f

pytestmark = pytest.mark.django_db


def _save(enrollment, lesson):
    return services.offline_copy_prepare(
        course=lesson.get_parent().get_parent().specific, enrollment=enrollment
    )


def _set_limit(lesson, limit):
    body = lesson.body.raw_data
    for block in body:
        if block["type"] == "quiz":
            block["value"]["attempt_limit"] = limit
    lesson.body = body
    f.publish(lesson)
    return LessonPage.objects.get(pk=lesson.pk)


def _standing(enrollment, lesson):
    (panel,) = selectors.lesson_quiz_panels(enrollment, lesson).values()
    return panel.standing


def _submit(enrollment, lesson, *, correct):
    quiz = lesson.quiz_blocks()[0]
    attempt = QuizAttempt.objects.get(enrollment=enrollment, submitted_at__isnull=True)
    return quiz_services.quiz_attempt_submit(
        enrollment=enrollment,
        lesson=lesson,
        quiz_id=quiz.id,
        attempt_id=attempt.pk,
        answers=f.answers_for_draw(quiz, attempt.draw, correct=correct),
    )


def test_an_attempt_opened_by_saving_does_not_use_up_a_limit_set_later(university):
    lesson, enrollment = quiz_course(university)
    assert _save(enrollment, lesson) == 1
    lesson = _set_limit(lesson, 1)  # the author adds a limit after the learner saved
    assert _save(enrollment, lesson) == 1  # the saved copy refreshes: the same attempt
    assert QuizAttempt.objects.filter(enrollment=enrollment).count() == 1
    standing = _standing(enrollment, lesson)
    assert (standing.attempts_used, standing.attempts_left) == (0, 1)
    assert standing.has_open_attempt

    assert not _submit(enrollment, lesson, correct=False).passed
    standing = _standing(enrollment, lesson)
    assert (standing.attempts_used, standing.attempts_left) == (1, 0)
    assert _save(enrollment, lesson) == 0  # out of attempts: nothing more is opened
    with pytest.raises(LearningError) as refusal:
        quiz_services.quiz_attempt_start(
            enrollment=enrollment, lesson=lesson, quiz_id=lesson.quiz_blocks()[0].id
        )
    assert refusal.value.code == "no_attempts_left"


def test_saving_again_after_each_republish_counts_only_submitted_attempts(university):
    lesson, enrollment = quiz_course(
        university, attempt_limit=2, course_fields={"completion_quizzes_within_limit": True}
    )
    _save(enrollment, lesson)
    assert not _submit(enrollment, lesson, correct=False).passed
    for _ in range(3):  # republished three times; the copy is saved again each time
        lesson = _set_limit(lesson, 2)
        _save(enrollment, lesson)
    numbers = list(
        QuizAttempt.objects.filter(enrollment=enrollment).values_list("number", "submitted_at")
    )
    assert [n for n, _ in numbers] == [1, 2]
    assert _standing(enrollment, lesson).attempts_left == 1

    assert _submit(enrollment, lesson, correct=True).passed  # the second of two: within
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_the_gradebook_counts_only_submitted_attempts_of_a_saved_course(university):
    lesson, enrollment = quiz_course(university, attempt_limit=3)
    _save(enrollment, lesson)
    quiz_id = lesson.quiz_blocks()[0].id
    assert quiz_results([enrollment.pk], [quiz_id]) == {}
    _submit(enrollment, lesson, correct=False)
    _save(enrollment, lesson)  # opens the second attempt
    assert quiz_results([enrollment.pk], [quiz_id])[(enrollment.pk, quiz_id)].attempts == 1
