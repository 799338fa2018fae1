"""Reads of a learner's records for the dashboard and the lesson page.

Query counts here do not grow with the number of courses, lessons or learners: enrollments
come with their outlines and progress prefetched, and lesson pages in the reader's language
are looked up for all keys at once.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from wagtail.models import Page

from courses.blocks import quiz_rule
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
from .quiz_rules import QuizStanding, quiz_standing, shows_correctness
from .rules import activity_done
from .standing import lessons_new_since

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
        lessons = enrollment.outline.active_lessons
        if enrollment.is_completed:
            # A completed course offers only lessons added since (ADR 0042); lessons its rule
            # let the learner skip are not pressed on them.
            new = set(lessons_new_since(lessons, done, enrollment.completed_at))
            lessons = [lesson for lesson in lessons if lesson.lesson_key in new]
        next_keys[enrollment.pk] = next(
            (lesson for lesson in lessons if lesson.lesson_key not in done), None
        )
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
        if upcoming is not None:
            lesson_page = pages.get(upcoming.lesson_key)
            item.next_lesson_title = lesson_page.title if lesson_page else upcoming.title
            item.next_lesson_page = lesson_page
        if enrollment.is_completed:
            completed_keys.add(enrollment.outline.course_key)
            dashboard.completed.append(item)
            continue
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


# --- Quizzes on the lesson page ----------------------------------------------------------


@dataclass
class QuizChoice:
    id: str
    text: str


@dataclass
class QuizQuestion:
    """A question as one attempt shows it: its options in the attempt's order."""

    id: str
    prompt: str
    explanation: str
    multiple: bool
    choices: list[QuizChoice]
    chosen: list = field(default_factory=list)
    is_correct: bool | None = None  # None while the quiz's settings keep it hidden


@dataclass
class QuizPanel:
    """One quiz of a lesson as its learner sees it now (ADR 0037)."""

    rule: dict
    standing: QuizStanding
    pool_size: int
    draw_size: int
    open_attempt: QuizAttempt | None
    questions: list[QuizQuestion]  # of the open attempt
    latest: QuizAttempt | None  # the latest submitted attempt
    best_score: object
    shows_correctness: bool
    results: list[QuizQuestion]  # the latest submitted attempt's questions, as it showed them

    @property
    def passed_under_earlier_mark(self) -> bool:
        """Passed, but with a score below the pass mark as it is now: the author raised it
        afterwards. A pass is judged by the mark of its day and stands (ADR 0042)."""
        mark = self.rule.get("pass_mark") or 0
        return (
            self.standing.passed
            and self.best_score is not None
            and Decimal(self.best_score) < Decimal(mark)
        )


def _shown_questions(draw: list, authored: dict, answers: dict, expected: dict | None) -> list:
    questions = []
    for item in draw:
        question = authored.get(item["question"])
        if question is None:  # removed by the author since the draw
            continue
        texts = {c.id: c.value["text"] for c in question.value["choices"].bound_blocks}
        chosen = list(answers.get(item["question"], []))
        questions.append(
            QuizQuestion(
                id=item["question"],
                prompt=question.value["prompt"],
                explanation=question.value["explanation"] if expected is not None else "",
                multiple=len(_correct_of(question)) > 1,
                choices=[QuizChoice(id=o, text=texts[o]) for o in item["options"] if o in texts],
                chosen=chosen,
                is_correct=(bool(chosen) and set(chosen) == expected[item["question"]])
                if expected is not None
                else None,
            )
        )
    return questions


def _correct_of(question) -> set:
    return {c.id for c in question.value["choices"].bound_blocks if c.value["is_correct"]}


def lesson_quiz_panels(enrollment: Enrollment | None, lesson, *, now=None) -> dict:
    """For each quiz of `lesson`: the learner's standing, open attempt and latest result.

    One query for all the lesson's attempts, whatever the number of questions. Correctness is
    worked out again from the stored answers and the quiz as published, the same rule the
    grader uses, and only when the quiz's settings allow it to be shown.
    """
    if enrollment is None:
        return {}
    quizzes = {block.id: block for block in lesson.quiz_blocks()}
    if not quizzes:
        return {}
    now = now or timezone.now()
    by_quiz: dict[str, list] = {quiz_id: [] for quiz_id in quizzes}
    for attempt in QuizAttempt.objects.filter(
        enrollment=enrollment, quiz_id__in=list(quizzes)
    ).order_by("number"):
        by_quiz[attempt.quiz_id].append(attempt)
    panels = {}
    for quiz_id, quiz in quizzes.items():
        attempts = by_quiz[quiz_id]
        rule = quiz_rule(quiz.value)
        submitted = [a for a in attempts if a.is_submitted]
        open_attempt = next((a for a in attempts if not a.is_submitted), None)
        standing = quiz_standing(rule, submitted, has_open_attempt=bool(open_attempt), now=now)
        authored = {q.id: q for q in quiz.value["questions"].bound_blocks}
        latest = submitted[-1] if submitted else None
        reveal = latest is not None and shows_correctness(rule, standing)
        expected = {qid: _correct_of(q) for qid, q in authored.items()} if reveal else None
        panels[quiz_id] = QuizPanel(
            rule=rule,
            standing=standing,
            pool_size=len(authored),
            draw_size=min(rule["questions_per_attempt"] or len(authored), len(authored)),
            open_attempt=open_attempt,
            questions=_shown_questions(open_attempt.draw, authored, {}, None)
            if open_attempt
            else [],
            latest=latest,
            best_score=max((a.score for a in submitted), default=None),
            shows_correctness=reveal,
            results=_shown_questions(_draw_of(latest, authored), authored, latest.answers, expected)
            if latest
            else [],
        )
    return panels


def _draw_of(attempt: QuizAttempt, authored: dict) -> list:
    # Attempts recorded before draws were stored showed every question in authored order.
    if attempt.draw:
        return attempt.draw
    return [
        {"question": qid, "options": [c.id for c in q.value["choices"].bound_blocks]}
        for qid, q in authored.items()
    ]


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
        QuizAttempt.objects.filter(
            enrollment_id__in=list(enrollment_ids),
            quiz_id__in=quiz_ids,
            submitted_at__isnull=False,  # an attempt still open has no score yet
        )
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


def learner_records(user) -> dict[str, list[dict]]:
    """Everything `learning` holds about `user`, section by section, for their own download.

    One query per section, whatever the number of courses: the rows are plain values, with
    the course named by title and the enrollment by its public uuid (never another person's).
    """
    enrollments = Enrollment.objects.filter(learner=user)
    return {
        "program_enrollments": list(
            ProgramEnrollment.objects.filter(learner=user)
            .order_by("enrolled_at", "pk")
            .values("program__title", "status", "enrolled_at", "completed_at")
        ),
        "enrollments": list(
            enrollments.order_by("enrolled_at", "pk").values(
                "uuid",
                "outline__title",
                "run__season",
                "run__year",
                "status",
                "enrolled_at",
                "withdrawn_at",
                "completed_at",
                "lessons_completed",
                "lessons_total",
                "quiz_average",
                "final_score",
                "last_activity_at",
            )
        ),
        "lesson_progress": list(
            LessonProgress.objects.filter(enrollment__learner=user)
            .order_by("completed_at", "pk")
            .values("enrollment__uuid", "lesson_key", "completed_at", "source")
        ),
        "quiz_attempts": list(
            QuizAttempt.objects.filter(enrollment__learner=user)
            .order_by("started_at", "pk")
            .values(
                "enrollment__uuid",
                "lesson_key",
                "quiz_id",
                "number",
                "started_at",
                "submitted_at",
                "answers",
                "correct_count",
                "question_count",
                "score",
                "passed",
            )
        ),
        "activity_results": list(
            ActivityResult.objects.filter(enrollment__learner=user)
            .order_by("pk")
            .values(
                "enrollment__uuid",
                "lesson_key",
                "activity_id",
                "best_scaled_score",
                "attempts",
                "viewed_at",
                "finished_at",
            )
        ),
    }
