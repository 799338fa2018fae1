"""Scores earned by LTI-launched learners go to their platform's gradebook (AGS, ADR 0058)."""

from decimal import Decimal

from django.db.models import Max
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from learning.models import ActivityResult, Enrollment, LessonProgress, OutlineLesson, QuizAttempt
from learning.signals import course_completed, quiz_submitted

from .ags import score_record

FULL = Decimal(100)


def _lesson_title(enrollment: Enrollment, lesson_key) -> str:
    lesson = OutlineLesson.objects.filter(outline_id=enrollment.outline_id, lesson_key=lesson_key)
    return lesson.values_list("title", flat=True).first() or str(lesson_key)


@receiver(post_save, sender=LessonProgress)
def lesson_completed(sender, instance: LessonProgress, created=False, raw=False, **kwargs):
    if raw or not created:
        return
    enrollment = instance.enrollment
    score_record(
        enrollment=enrollment,
        resource_key=instance.lesson_key,
        label=_lesson_title(enrollment, instance.lesson_key),
        score=FULL,
    )


@receiver(post_save, sender=ActivityResult)
def activity_scored(sender, instance: ActivityResult, raw=False, **kwargs):
    # Quiz and H5P results: each activity its own line item, made on first score.
    if raw or instance.best_scaled_score is None or instance.finished_at is None:
        return
    enrollment = instance.enrollment
    score_record(
        enrollment=enrollment,
        resource_key=f"{instance.lesson_key}-{instance.activity_id}",
        label=f"{_lesson_title(enrollment, instance.lesson_key)} · {instance.activity_id}",
        score=(instance.best_scaled_score * FULL).quantize(Decimal("0.01")),
        progress="Submitted",
    )


@receiver(quiz_submitted)
def quiz_graded(sender, attempt: QuizAttempt, **kwargs):
    # A quiz is its own line item; the platform gets the best submitted score, the one Ilm's
    # completion rules count, each time a submission is graded.
    instance = attempt
    if instance.score is None:
        return
    enrollment = instance.enrollment
    best = QuizAttempt.objects.filter(
        enrollment=enrollment,
        quiz_id=instance.quiz_id,
        submitted_at__isnull=False,
        score__isnull=False,
    ).aggregate(best=Max("score"))["best"]
    score_record(
        enrollment=enrollment,
        resource_key=f"{instance.lesson_key}-{instance.quiz_id}",
        label=f"{_lesson_title(enrollment, instance.lesson_key)} · {_('Quiz')}",
        score=Decimal(best).quantize(Decimal("0.01")),
        progress="Submitted",
    )


@receiver(course_completed)
def course_done(sender, enrollment_id: int, **kwargs):
    enrollment = Enrollment.objects.select_related("outline", "run__course").get(pk=enrollment_id)
    score_record(
        enrollment=enrollment,
        resource_key=enrollment.outline.course_key,
        label=enrollment.run.course.title,
        score=FULL,
    )
