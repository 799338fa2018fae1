"""Writes for quiz attempts: starting one (which fixes its draw) and submitting it (ADR 0037).

Both lock the learner's enrollment row first, so two tabs or a replayed request are
serialized; both raise `LearningError` with a stable code and a translated message when a
rule says no, and then change nothing.
"""

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from courses.blocks import quiz_rule
from courses.models import LessonPage

from . import records_version, signals
from .grading import grade_quiz, quiz_questions
from .models import Enrollment, LessonProgress, QuizAttempt
from .quiz_rules import QuizStanding, quiz_draw, quiz_standing
from .services import (
    LearningError,
    _lesson_complete_if_earned,
    _outline_lesson,
    _require_active,
    enrollment_progress_refresh,
)


def cooldown_message(next_attempt_at, now) -> str:
    """'Your next attempt opens in 9 minutes, at 3 December 2026, 14:05.' in the reader's
    language (the same text the lesson page shows)."""
    return _("Your next attempt opens in %(wait)s, at %(when)s.") % {
        "wait": timeuntil(next_attempt_at, now),
        "when": formats.date_format(timezone.localtime(next_attempt_at), "DATETIME_FORMAT"),
    }


def _quiz_of(enrollment: Enrollment, lesson: LessonPage, quiz_id: str):
    _require_active(enrollment)
    outline_lesson = _outline_lesson(enrollment, lesson.translation_key)
    quiz = next((b for b in lesson.body if b.block_type == "quiz" and b.id == quiz_id), None)
    if quiz is None or quiz_id not in outline_lesson.quiz_ids:
        raise LearningError("unknown_quiz", _("This quiz is not part of the lesson."))
    return outline_lesson, quiz


def _refusal(standing: QuizStanding, now) -> LearningError | None:
    # Why no new attempt may start; None when one may.
    if standing.passed:
        return LearningError("quiz_passed", _("You have already passed this quiz."))
    if standing.attempts_left == 0:
        return LearningError(
            "no_attempts_left",
            _("You have used every attempt this quiz allows (%(limit)s).")
            % {"limit": standing.attempt_limit},
        )
    if standing.in_cooldown:
        return LearningError("cooldown", cooldown_message(standing.next_attempt_at, now))
    return None


def _attempts(enrollment: Enrollment, quiz_id: str) -> list[QuizAttempt]:
    return list(
        QuizAttempt.objects.filter(enrollment=enrollment, quiz_id=quiz_id).order_by("number")
    )


@transaction.atomic
def quiz_attempt_start(*, enrollment: Enrollment, lesson: LessonPage, quiz_id: str) -> QuizAttempt:
    """Start an attempt, drawing and storing its questions and option order.

    Idempotent: while an attempt is open, it is returned as it was drawn, so reloading or a
    second tab cannot redraw. Refused (`quiz_passed`, `no_attempts_left`, `cooldown`) when the
    quiz's settings allow no new attempt now.
    """
    now = timezone.now()
    enrollment = (
        Enrollment.objects.select_for_update().select_related("outline").get(pk=enrollment.pk)
    )
    outline_lesson, quiz = _quiz_of(enrollment, lesson, quiz_id)
    attempts = _attempts(enrollment, quiz_id)
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    if open_attempt is not None:
        return open_attempt
    rule = quiz_rule(quiz.value)
    standing = quiz_standing(rule, attempts, has_open_attempt=False, now=now)
    if (refusal := _refusal(standing, now)) is not None:
        raise refusal
    previous = attempts[-1].draw if attempts else None
    attempt = QuizAttempt(
        enrollment=enrollment,
        lesson_key=outline_lesson.lesson_key,
        quiz_id=quiz_id,
        number=len(attempts) + 1,
        draw=quiz_draw(rule, quiz_questions(quiz), previous),
        started_at=now,
    )
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        # Another request opened it first (possible where rows cannot be locked): use that one.
        return QuizAttempt.objects.get(
            enrollment=enrollment, quiz_id=quiz_id, submitted_at__isnull=True
        )
    return attempt


@transaction.atomic
def quiz_attempt_submit(
    *, enrollment: Enrollment, lesson: LessonPage, quiz_id: str, attempt_id, answers: object
) -> QuizAttempt:
    """Grade the open attempt `attempt_id` against its stored draw; passing every quiz of a
    lesson completes the lesson.

    `lesson` may be any translation of the lesson: block ids are shared between translations.
    An attempt already submitted (`already_submitted`) or not open (`stale_attempt`, or why
    none may be open) is refused; answers outside the draw raise `QuizSubmissionError`.
    Nothing is written when refused, so a replayed request changes nothing.
    """
    now = timezone.now()
    enrollment = (
        Enrollment.objects.select_for_update().select_related("outline").get(pk=enrollment.pk)
    )
    outline_lesson, quiz = _quiz_of(enrollment, lesson, quiz_id)
    attempt = None
    if isinstance(attempt_id, int):
        attempt = QuizAttempt.objects.filter(
            pk=attempt_id, enrollment=enrollment, quiz_id=quiz_id
        ).first()
    if attempt is not None and attempt.is_submitted:
        raise LearningError(
            "already_submitted",
            _("This attempt was submitted already; its result is unchanged."),
        )
    if attempt is None:
        attempts = _attempts(enrollment, quiz_id)
        submitted = [a for a in attempts if a.is_submitted]
        has_open = len(submitted) < len(attempts)
        standing = quiz_standing(
            quiz_rule(quiz.value), submitted, has_open_attempt=has_open, now=now
        )
        raise _refusal(standing, now) or LearningError(
            "stale_attempt",
            _("This attempt is no longer open. Reload the lesson to see your current attempt."),
        )
    grade = grade_quiz(quiz, answers, attempt.draw)
    fields = {
        "answers": grade.answers,
        "correct_count": grade.correct_count,
        "question_count": grade.question_count,
        "score": grade.score,
        "passed": grade.passed,
        "submitted_at": now,
    }
    # Conditional on the attempt still being open, so two racing submissions grade it once.
    if not QuizAttempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(**fields):
        raise LearningError(
            "already_submitted",
            _("This attempt was submitted already; its result is unchanged."),
        )
    for name, value in fields.items():
        setattr(attempt, name, value)
    records_version.records_changed(enrollment.learner_id)  # an update sends no `post_save`
    signals.quiz_submitted.send(sender=QuizAttempt, attempt=attempt)
    _lesson_complete_if_earned(enrollment, outline_lesson, LessonProgress.Source.QUIZ)
    enrollment_progress_refresh(enrollment=enrollment)
    return attempt
