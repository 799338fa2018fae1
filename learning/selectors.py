"""Reads of a learner's records for the dashboard and the lesson page.

Query counts here do not grow with the number of courses, lessons or learners: enrollments
come with their outlines and progress prefetched, and lesson pages in the reader's language
are looked up for all keys at once.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q
from wagtail.models import Page

from courses.selectors import localized_pages

from .models import (
    ActivityResult,
    CourseOutline,
    Enrollment,
    LessonProgress,
    OutlineLesson,
    ProgramEnrollment,
    QuizAttempt,
)
from .notices import RunNotice, run_notices
from .rules import activity_done

ANNOUNCEMENT_LIMIT = 10


@dataclass
class DashboardCourse:
    enrollment: Enrollment
    title: str
    page: Page | None  # the course in the reader's language, else its original
    next_lesson_title: str | None = None
    next_lesson_page: Page | None = None


@dataclass
class DashboardProgram:
    program_enrollment: ProgramEnrollment
    title: str
    page: Page | None
    courses_total: int = 0
    courses_completed: int = 0

    @property
    def progress_percent(self) -> int:
        if not self.courses_total:
            return 0
        return round(100 * self.courses_completed / self.courses_total)


@dataclass
class Dashboard:
    active: list = field(default_factory=list)
    completed: list = field(default_factory=list)
    programs: list = field(default_factory=list)
    announcements: list[RunNotice] = field(default_factory=list)


def learner_dashboard(user, *, locale) -> Dashboard:
    """The learner's current and completed courses, programs and recent announcements."""
    enrollments = list(
        Enrollment.objects.filter(learner=user)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .select_related("run", "outline")
        .prefetch_related(
            Prefetch(
                "outline__lessons",
                queryset=OutlineLesson.objects.filter(is_active=True).order_by("position"),
                to_attr="active_lessons",
            ),
            Prefetch(
                "lessons",
                queryset=LessonProgress.objects.only("enrollment_id", "lesson_key"),
                to_attr="done_lessons",
            ),
        )
        .order_by("-last_activity_at", "-enrolled_at")
    )
    next_keys = {}
    for enrollment in enrollments:
        done = {progress.lesson_key for progress in enrollment.done_lessons}
        upcoming = next(
            (
                lesson
                for lesson in enrollment.outline.active_lessons
                if lesson.lesson_key not in done
            ),
            None,
        )
        next_keys[enrollment.pk] = upcoming
    program_enrollments = list(
        ProgramEnrollment.objects.filter(learner=user)
        .exclude(status=ProgramEnrollment.Status.WITHDRAWN)
        .select_related("program")
        .prefetch_related("program__program_courses__course")
        .order_by("-enrolled_at")
    )
    keys = [e.outline.course_key for e in enrollments]
    keys += [lesson.lesson_key for lesson in next_keys.values() if lesson is not None]
    keys += [pe.program.translation_key for pe in program_enrollments]
    pages = localized_pages(keys, locale)

    dashboard = Dashboard()
    completed_keys = set()
    for enrollment in enrollments:
        course_page = pages.get(enrollment.outline.course_key)
        item = DashboardCourse(
            enrollment=enrollment,
            title=course_page.title if course_page else enrollment.outline.title,
            page=course_page,
        )
        upcoming = next_keys[enrollment.pk]
        if enrollment.is_completed:
            completed_keys.add(enrollment.outline.course_key)
            dashboard.completed.append(item)
            continue
        if upcoming is not None:
            lesson_page = pages.get(upcoming.lesson_key)
            item.next_lesson_title = lesson_page.title if lesson_page else upcoming.title
            item.next_lesson_page = lesson_page
        dashboard.active.append(item)

    for program_enrollment in program_enrollments:
        program = program_enrollment.program
        required = [pc for pc in program.program_courses.all() if pc.is_required]
        page = pages.get(program.translation_key)
        dashboard.programs.append(
            DashboardProgram(
                program_enrollment=program_enrollment,
                title=page.title if page else program.title,
                page=page,
                courses_total=len(required),
                courses_completed=sum(
                    1 for pc in required if pc.course.translation_key in completed_keys
                ),
            )
        )

    titles = {item.enrollment.run_id: item.title for item in dashboard.active}
    dashboard.announcements = [
        replace(notice, course_title=titles.get(notice.run_id, ""))
        for notice in run_notices(titles, limit=ANNOUNCEMENT_LIMIT)
    ]
    return dashboard


# --- Quiz feedback -----------------------------------------------------------------------


@dataclass
class QuestionFeedback:
    question_id: str
    is_correct: bool
    chosen: list


@dataclass
class QuizFeedback:
    attempt: QuizAttempt
    questions: dict  # question id -> QuestionFeedback
    attempts_count: int
    best_score: object


def latest_quiz_feedback(enrollment: Enrollment | None, lesson) -> dict:
    """For each quiz of `lesson`: the learner's latest attempt and which questions it got right.

    Correctness is worked out again from the stored answers and the quiz as published, the
    same rule the grader uses (exactly the correct options chosen).
    """
    if enrollment is None:
        return {}
    quizzes = {block.id: block for block in lesson.quiz_blocks()}
    if not quizzes:
        return {}
    attempts = QuizAttempt.objects.filter(
        enrollment=enrollment, lesson_key=lesson.translation_key, quiz_id__in=list(quizzes)
    )
    summary = {
        row["quiz_id"]: row
        for row in attempts.order_by()
        .values("quiz_id")
        .annotate(latest=Max("pk"), best=Max("score"), count=Count("pk"))
    }
    latest = QuizAttempt.objects.in_bulk([row["latest"] for row in summary.values()])
    feedback = {}
    for quiz_id, row in summary.items():
        attempt = latest[row["latest"]]
        questions = {}
        for question in quizzes[quiz_id].value["questions"].bound_blocks:
            expected = {
                choice.id
                for choice in question.value["choices"].bound_blocks
                if choice.value["is_correct"]
            }
            chosen = list(attempt.answers.get(question.id, []))
            questions[question.id] = QuestionFeedback(
                question_id=question.id,
                is_correct=bool(chosen) and set(chosen) == expected,
                chosen=chosen,
            )
        feedback[quiz_id] = QuizFeedback(
            attempt=attempt,
            questions=questions,
            attempts_count=row["count"],
            best_score=row["best"],
        )
    return feedback


# --- Results per graded item, for instructors' gradebooks ---------------------------------


@dataclass(frozen=True)
class ItemResult:
    """A learner's standing on one quiz or H5P activity. `score` is a percent (best attempt);
    `attempts` counts submitted quiz attempts or finished activity attempts."""

    score: Decimal | None
    attempts: int
    completed: bool


def quiz_results(enrollment_ids, quiz_ids) -> dict[tuple[int, str], ItemResult]:
    """(enrollment id, quiz id) -> best score, attempt count and whether any attempt passed,
    in one query for all the enrollments and quizzes."""
    rows = (
        QuizAttempt.objects.filter(enrollment_id__in=list(enrollment_ids), quiz_id__in=quiz_ids)
        .order_by()
        .values("enrollment_id", "quiz_id")
        .annotate(best=Max("score"), count=Count("pk"), passes=Count("pk", filter=Q(passed=True)))
    )
    return {
        (row["enrollment_id"], row["quiz_id"]): ItemResult(
            score=None if row["best"] is None else Decimal(row["best"]).quantize(Decimal("0.01")),
            attempts=row["count"],
            completed=row["passes"] > 0,
        )
        for row in rows
    }


def activity_results(enrollment_ids, rules: dict[str, dict]) -> dict[tuple[int, str], ItemResult]:
    """(enrollment id, activity id) -> best score as a percent, finished attempts and whether
    the activity meets its lesson's completion rule (`rules`: activity id -> rule), in one
    query."""
    rows = ActivityResult.objects.filter(
        enrollment_id__in=list(enrollment_ids), activity_id__in=list(rules)
    ).values_list(
        "enrollment_id", "activity_id", "best_scaled_score", "attempts", "viewed_at", "finished_at"
    )
    results = {}
    for enrollment_id, activity_id, best, attempts, viewed_at, finished_at in rows:
        results[(enrollment_id, activity_id)] = ItemResult(
            score=None if best is None else (100 * best).quantize(Decimal("0.01")),
            attempts=attempts,
            completed=activity_done(
                rules.get(activity_id),
                viewed=viewed_at is not None,
                finished=finished_at is not None,
                best_scaled_score=best,
            ),
        )
    return results


def outline_of_run(run) -> CourseOutline | None:
    """The outline learners of `run` progress against, with its active lessons in order."""
    return (
        CourseOutline.objects.filter(course_key=run.course.translation_key)
        .prefetch_related(
            Prefetch(
                "lessons",
                queryset=OutlineLesson.objects.filter(is_active=True).order_by("position"),
                to_attr="active_lessons",
            )
        )
        .first()
    )
