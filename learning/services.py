"""Every write to a learner's record goes through these functions.

They are keyword-only, run in a transaction, and raise `LearningError` (with a stable `code`
and a message a person can read) when a rule says no. Views translate those into HTTP answers.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import pagecache
from courses.models import CourseRun, LessonPage, ModulePage
from courses.selectors import current_run_for

from . import signals
from .models import (
    ActivityResult,
    CourseOutline,
    Enrollment,
    LessonProgress,
    OutlineLesson,
    ProgramEnrollment,
    QuizAttempt,
)
from .rules import (
    activity_done,
    completed_by_marking,
    course_rule_satisfied,
    quizzes_passed_within_limit,
)
from .scoring import course_final_score
from .standing import lessons_new_since


class LearningError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- Outlines: copied from the page tree when a course is published ----------------------


@transaction.atomic
def course_outline_sync(*, course_page) -> CourseOutline:
    """Copy the published structure of a course into `CourseOutline`/`OutlineLesson`.

    Always reads the course in its original locale. Lessons no longer published are marked
    inactive rather than deleted, so earlier progress on them is kept.
    """
    source = course_page.specific.source_page
    outline, _created = CourseOutline.objects.update_or_create(
        course_key=source.translation_key,
        defaults={
            "course_page": source,
            "university_id": source.university_id,
            "title": source.title,
            "ects_credits": source.ects_credits,
            "requires_all_lessons": source.completion_requires_all_lessons,
            "min_quiz_average": source.completion_min_quiz_average,
            "min_activity_score": source.completion_min_activity_score,
            "server_graded_only": source.completion_server_graded_only,
            "quizzes_within_limit": source.completion_quizzes_within_limit,
        },
    )
    seen: set = set()
    position = 0
    now = timezone.now()
    before = {
        row.lesson_key: row
        for row in outline.lessons.only("lesson_key", "is_active", "is_required", "added_at")
    }
    for module in ModulePage.objects.child_of(source).live().order_by("path"):
        lessons = LessonPage.objects.child_of(module).live().order_by("path")
        for lesson in lessons:
            position += 1
            seen.add(lesson.translation_key)
            OutlineLesson.objects.update_or_create(
                outline=outline,
                lesson_key=lesson.translation_key,
                defaults={
                    "added_at": _lesson_added_at(before.get(lesson.translation_key), lesson, now),
                    "lesson_page": lesson,
                    "module_key": module.translation_key,
                    "module_title": module.title,
                    "title": lesson.title,
                    "position": position,
                    "is_required": lesson.is_required,
                    "quiz_ids": [b.id for b in lesson.body if b.block_type == "quiz"],
                    "quiz_rules": {
                        b.id: b.block.quiz_rule(b.value)
                        for b in lesson.body
                        if b.block_type == "quiz"
                    },
                    "activity_ids": [
                        activity_id for b in lesson.body if (activity_id := _activity_id(b))
                    ],
                    "activity_rules": {
                        activity_id: b.block.activity_rule(b.value)
                        for b in lesson.body
                        if (activity_id := _activity_id(b)) and hasattr(b.block, "activity_rule")
                    },
                    "is_active": True,
                },
            )
    outline.lessons.exclude(lesson_key__in=seen).update(is_active=False)
    # Lesson rows written by queryset updates send no signal; kept outlines must not outlive them.
    pagecache.content_changed()
    transaction.on_commit(lambda: _refresh_open_enrollments(outline.pk))
    return outline


def _lesson_added_at(row: OutlineLesson | None, lesson, now):
    # A lesson joins the course when first published, when published again after removal and
    # when made required; moving it or changing its quiz does not make it new (ADR 0042).
    if row is None or not row.is_active or (lesson.is_required and not row.is_required):
        return now
    return row.added_at


def _activity_id(bound_block) -> str | None:
    # A block type that declares `activity_id(value)` (the H5P block does) is an interactive
    # activity whose result counts towards the lesson; learning needs to know nothing else.
    # It may also declare `activity_rule(value)`: how the activity completes its lesson.
    activity_id = getattr(bound_block.block, "activity_id", None)
    return activity_id(bound_block.value) if activity_id else None


def _refresh_open_enrollments(outline_id: int) -> None:
    # Totals change when lessons are added or removed, for every enrollment, so no page or
    # report shows a completed course at 100% with a new lesson undone. Completed enrollments
    # stay completed (ADR 0042); nobody's last activity moves because an author published.
    for enrollment in Enrollment.objects.filter(outline_id=outline_id).iterator(chunk_size=500):
        enrollment_progress_refresh(enrollment=enrollment, learner_activity=False)


# --- Enrollment --------------------------------------------------------------------------


def _outline_for_run(run: CourseRun) -> CourseOutline:
    outline = CourseOutline.objects.filter(course_key=run.course.translation_key).first()
    if outline is None or not run.course.live:
        raise LearningError("not_published", _("This course is not published yet."))
    return outline


def _check_prerequisites(*, learner, run: CourseRun) -> None:
    required_keys = set(run.course.prerequisites.values_list("translation_key", flat=True))
    if not required_keys:
        return
    completed_keys = set(
        Enrollment.objects.filter(
            learner=learner,
            status=Enrollment.Status.COMPLETED,
            outline__course_key__in=required_keys,
        ).values_list("outline__course_key", flat=True)
    )
    if required_keys - completed_keys:
        raise LearningError(
            "prerequisites", _("Complete the prerequisite courses before enrolling in this one.")
        )


@transaction.atomic
def enrollment_create(
    *, learner, run: CourseRun, program_enrollment: ProgramEnrollment | None = None
) -> Enrollment:
    """Enroll `learner` in `run`, enforcing the window, capacity and prerequisites.

    The run row is locked first, so concurrent requests for the last seat are serialized and
    the run never goes over capacity. A learner who withdrew earlier is re-activated with
    their progress intact.
    """
    run = CourseRun.objects.select_for_update().select_related("course").get(pk=run.pk)
    outline = _outline_for_run(run)
    existing = Enrollment.objects.filter(learner=learner, run=run).first()
    if existing and existing.status != Enrollment.Status.WITHDRAWN:
        raise LearningError("already_enrolled", _("You are already enrolled in this run."))
    if not run.is_open_for_enrollment():
        raise LearningError("closed", _("Enrollment for this run is closed."))
    if run.capacity is not None:
        taken = run.enrollments.exclude(status=Enrollment.Status.WITHDRAWN).count()
        if taken >= run.capacity:
            raise LearningError("full", _("This run is full."))
    _check_prerequisites(learner=learner, run=run)
    if existing:
        existing.status = Enrollment.Status.ACTIVE
        existing.withdrawn_at = None
        existing.program_enrollment = program_enrollment or existing.program_enrollment
        existing.save(update_fields=["status", "withdrawn_at", "program_enrollment"])
        return enrollment_progress_refresh(enrollment=existing)
    enrollment = Enrollment(
        learner=learner, run=run, outline=outline, program_enrollment=program_enrollment
    )
    enrollment.full_clean(exclude=["outline", "run", "learner"])
    enrollment.save()
    return enrollment_progress_refresh(enrollment=enrollment)


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment) -> Enrollment:
    """Withdraw from a run. Completed enrollments cannot be withdrawn; progress is kept."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status == Enrollment.Status.COMPLETED:
        raise LearningError("completed", _("A completed course cannot be withdrawn from."))
    if enrollment.status == Enrollment.Status.WITHDRAWN:
        raise LearningError("not_enrolled", _("You are not enrolled in this run."))
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.withdrawn_at = timezone.now()
    enrollment.save(update_fields=["status", "withdrawn_at"])
    return enrollment


@transaction.atomic
def program_enrollment_create(*, learner, program) -> tuple[ProgramEnrollment, list[str]]:
    """Enroll in a program and in the current runs of its required courses, all or nothing.

    Returns the program enrollment and the titles of required courses that have no open run
    now (the learner can enroll in those later). Any other refusal undoes everything.
    """
    program_enrollment, created = ProgramEnrollment.objects.get_or_create(
        learner=learner, program=program
    )
    if not created and program_enrollment.status != ProgramEnrollment.Status.WITHDRAWN:
        raise LearningError("already_enrolled", _("You are already enrolled in this program."))
    if not created:
        program_enrollment.status = ProgramEnrollment.Status.ACTIVE
        program_enrollment.save(update_fields=["status"])
    without_run: list[str] = []
    for item in program.program_courses.select_related("course").filter(is_required=True):
        already = Enrollment.objects.filter(
            learner=learner,
            outline__course_key=item.course.translation_key,
        ).exclude(status=Enrollment.Status.WITHDRAWN)
        if already.exists():
            already.filter(program_enrollment=None).update(program_enrollment=program_enrollment)
            continue
        run = current_run_for(item.course)
        if run is None:
            without_run.append(item.course.title)
            continue
        enrollment_create(learner=learner, run=run, program_enrollment=program_enrollment)
    return program_enrollment, without_run


# --- Progress ----------------------------------------------------------------------------


def _outline_lesson(enrollment: Enrollment, lesson_key) -> OutlineLesson:
    lesson = enrollment.outline.lessons.filter(lesson_key=lesson_key, is_active=True).first()
    if lesson is None:
        raise LearningError("unknown_lesson", _("This lesson is not part of your course."))
    return lesson


def _require_active(enrollment: Enrollment) -> None:
    if enrollment.status == Enrollment.Status.WITHDRAWN:
        raise LearningError("not_enrolled", _("You are not enrolled in this course."))


def _lesson_complete(enrollment: Enrollment, lesson_key, source: str) -> LessonProgress:
    progress, _created = LessonProgress.objects.get_or_create(
        enrollment=enrollment,
        lesson_key=lesson_key,
        defaults={"completed_at": timezone.now(), "source": source},
    )
    return progress


@transaction.atomic
def lesson_mark_complete(*, enrollment: Enrollment, lesson_key) -> LessonProgress:
    """Mark a lesson without quizzes or counted activities complete. Idempotent."""
    _require_active(enrollment)
    lesson = _outline_lesson(enrollment, lesson_key)
    if not completed_by_marking(
        quiz_ids=lesson.quiz_ids,
        activity_ids=lesson.activity_ids,
        server_graded_only=enrollment.outline.server_graded_only,
    ):
        raise LearningError(
            "graded_lesson", _("This lesson is completed by passing its quiz or activity.")
        )
    progress = _lesson_complete(enrollment, lesson.lesson_key, LessonProgress.Source.MANUAL)
    enrollment_progress_refresh(enrollment=enrollment)
    return progress


def _lesson_complete_if_earned(enrollment: Enrollment, lesson: OutlineLesson, source) -> None:
    # A graded lesson is earned when every quiz is passed and every counted activity meets
    # the condition its block set (viewed, finished, or passed at its pass mark).
    passed_ids = set(
        QuizAttempt.objects.filter(
            enrollment=enrollment, lesson_key=lesson.lesson_key, passed=True
        ).values_list("quiz_id", flat=True)
    )
    if set(lesson.quiz_ids) <= passed_ids and _activities_done(enrollment, lesson):
        _lesson_complete(enrollment, lesson.lesson_key, source)


def _activities_done(enrollment: Enrollment, lesson: OutlineLesson) -> bool:
    if not lesson.activity_ids or enrollment.outline.server_graded_only:
        return True
    results = {
        result.activity_id: result
        for result in enrollment.activity_results.filter(lesson_key=lesson.lesson_key)
    }
    return all(
        (result := results.get(activity_id)) is not None
        and activity_done(
            lesson.activity_rules.get(activity_id),
            viewed=result.viewed_at is not None,
            finished=result.finished_at is not None,
            best_scaled_score=result.best_scaled_score,
        )
        for activity_id in lesson.activity_ids
    )


def _activity_result_for_update(enrollment, lesson_key, activity_id):
    _require_active(enrollment)
    lesson = _outline_lesson(enrollment, lesson_key)
    if activity_id not in lesson.activity_ids:
        raise LearningError("unknown_activity", _("This activity is not part of the lesson."))
    result, _created = ActivityResult.objects.select_for_update().get_or_create(
        enrollment=enrollment,
        activity_id=activity_id,
        defaults={"lesson_key": lesson.lesson_key, "viewed_at": timezone.now()},
    )
    return lesson, result


@transaction.atomic
def activity_view_record(*, enrollment: Enrollment, lesson_key, activity_id: str) -> ActivityResult:
    """Record that the learner opened an interactive activity; completes a lesson whose
    activities ask only to be viewed. Idempotent: the first view is kept."""
    lesson, result = _activity_result_for_update(enrollment, lesson_key, activity_id)
    if result.viewed_at is None:
        result.viewed_at = timezone.now()
        result.save(update_fields=["viewed_at"])
    if not LessonProgress.objects.filter(enrollment=enrollment, lesson_key=lesson_key).exists():
        _lesson_complete_if_earned(enrollment, lesson, LessonProgress.Source.ACTIVITY)
        enrollment_progress_refresh(enrollment=enrollment)
    return result


@transaction.atomic
def activity_result_record(
    *,
    enrollment: Enrollment,
    lesson_key,
    activity_id: str,
    scaled_score: Decimal,
    graded_scaled_score: Decimal | None = None,
) -> ActivityResult:
    """Record a finished interactive activity (H5P) and its scaled score (0..1); keeps the best.

    An activity graded by another method (average, first or last attempt) passes its graded
    result as `graded_scaled_score`: that result replaces the kept one (ADR 0044).
    The lesson completes when the activity meets its block's condition (a wrong answer does
    not pass a pass mark). The score comes from the learner's browser and can be forged;
    courses that must not rely on it set `completion_server_graded_only`.
    """
    scaled_score = Decimal(str(scaled_score))
    graded = None if graded_scaled_score is None else Decimal(str(graded_scaled_score))
    if not all(Decimal("0") <= s <= Decimal("1") for s in (scaled_score, graded) if s is not None):
        raise LearningError("bad_score", _("A scaled score lies between 0 and 1."))
    lesson, result = _activity_result_for_update(enrollment, lesson_key, activity_id)
    now = timezone.now()
    result.attempts += 1
    result.best_scaled_score = (
        max(result.best_scaled_score or scaled_score, scaled_score) if graded is None else graded
    )
    result.finished_at = result.finished_at or now
    result.viewed_at = result.viewed_at or now
    result.save(update_fields=["attempts", "best_scaled_score", "finished_at", "viewed_at"])
    _lesson_complete_if_earned(enrollment, lesson, LessonProgress.Source.ACTIVITY)
    enrollment_progress_refresh(enrollment=enrollment)
    return result


def enrollment_progress_refresh(
    *, enrollment: Enrollment, learner_activity: bool = True
) -> Enrollment:
    """Recompute the enrollment's cached figures and apply the course's completion rule.

    Called inside the transaction of every progress event, so completion is recorded the
    moment it is earned; `course_completed` is sent inside that transaction. Also called for
    every enrollment when the course is published again, with `learner_activity=False` so the
    learner's last activity stays theirs.

    Progress (lessons done, total, new since completion) follows the course as it is now; a
    completion, with its quiz average and final score of record, never changes once earned
    (ADR 0042).
    """
    outline = enrollment.outline
    lessons = list(outline.lessons.filter(is_active=True))
    done_keys = set(enrollment.lessons.values_list("lesson_key", flat=True))
    enrollment.lessons_total = len(lessons)
    enrollment.lessons_completed = sum(1 for lesson in lessons if lesson.lesson_key in done_keys)
    enrollment.lessons_new_since_completion = len(
        lessons_new_since(lessons, done_keys, enrollment.completed_at)
        if enrollment.status == Enrollment.Status.COMPLETED
        else []
    )
    fields = ["lessons_total", "lessons_completed", "lessons_new_since_completion"]
    if enrollment.status == Enrollment.Status.COMPLETED:
        # The result of record is what the certificate attests; it is not recomputed.
        if learner_activity:
            enrollment.last_activity_at = timezone.now()
            fields.append("last_activity_at")
        enrollment.save(update_fields=fields)
        return enrollment

    quiz_ids = [quiz_id for lesson in lessons for quiz_id in lesson.quiz_ids]
    best_by_quiz = dict(
        enrollment.quiz_attempts.filter(quiz_id__in=quiz_ids)
        .values("quiz_id")
        .annotate(best=Max("score"))
        .values_list("quiz_id", "best")
    )
    quiz_average = (
        # An open, ungraded attempt has no score yet (Max gives None): it counts as 0.
        sum((best_by_quiz.get(q) or Decimal("0") for q in quiz_ids), Decimal("0")) / len(quiz_ids)
        if quiz_ids
        else None
    )
    enrollment.quiz_average = quiz_average.quantize(Decimal("0.01")) if quiz_ids else None

    activity_ids = [a for lesson in lessons if lesson.is_required for a in lesson.activity_ids]
    best_by_activity = dict(
        enrollment.activity_results.filter(best_scaled_score__isnull=False).values_list(
            "activity_id", "best_scaled_score"
        )
    )
    counts_activities = bool(activity_ids) and not outline.server_graded_only
    # Each quiz and counted activity by the weight its block gave (ADR 0055).
    enrollment.final_score = course_final_score(
        lessons,
        best_by_quiz=best_by_quiz,
        best_by_activity=best_by_activity,
        counts_activities=counts_activities,
    )
    if learner_activity:
        enrollment.last_activity_at = timezone.now()
        fields.append("last_activity_at")

    newly_completed = False
    if (
        enrollment.status == Enrollment.Status.ACTIVE
        and course_rule_satisfied(
            outline,
            lessons,
            done_keys,
            enrollment.quiz_average,
            counts_activities,
            [best_by_activity.get(a) for a in activity_ids],
        )
        and quizzes_passed_within_limit(enrollment, lessons)
    ):
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.completed_at = timezone.now()
        newly_completed = True
    # Status only when it changed: that alone changes the places taken on public pages.
    status_fields = ["status", "completed_at"] if newly_completed else []
    enrollment.save(update_fields=[*fields, "quiz_average", "final_score", *status_fields])
    if newly_completed:
        signals.course_completed.send(sender=Enrollment, enrollment_id=enrollment.pk)
        _program_completion_check(enrollment)
    return enrollment


def _program_completion_check(enrollment: Enrollment) -> None:
    program_enrollments = ProgramEnrollment.objects.filter(
        learner_id=enrollment.learner_id,
        status=ProgramEnrollment.Status.ACTIVE,
        program__program_courses__course__translation_key=enrollment.outline.course_key,
    ).distinct()
    for program_enrollment in program_enrollments:
        required_keys = set(
            program_enrollment.program.program_courses.filter(is_required=True).values_list(
                "course__translation_key", flat=True
            )
        )
        completed_keys = set(
            Enrollment.objects.filter(
                learner_id=enrollment.learner_id, status=Enrollment.Status.COMPLETED
            ).values_list("outline__course_key", flat=True)
        )
        if required_keys and required_keys <= completed_keys:
            program_enrollment.status = ProgramEnrollment.Status.COMPLETED
            program_enrollment.completed_at = timezone.now()
            program_enrollment.save(update_fields=["status", "completed_at"])
            signals.program_completed.send(
                sender=ProgramEnrollment, program_enrollment_id=program_enrollment.pk
            )
