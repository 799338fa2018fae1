"""Reads for the instructor tools. Callers pass a run already checked by `teaching.access`."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Q

from courses.models import CourseRun
from learning.models import CourseOutline, Enrollment, LessonProgress, OutlineLesson, QuizAttempt
from learning.notices import RunNotice
from universities.models import Membership, Role

from .models import Announcement

SORTS = {
    "name": ("learner__full_name", "learner__email"),
    "-name": ("-learner__full_name", "-learner__email"),
    "progress": ("lessons_completed", "learner__email"),
    "-progress": ("-lessons_completed", "learner__email"),
    "quiz": ("quiz_average", "learner__email"),
    "-quiz": ("-quiz_average", "learner__email"),
    "activity": ("last_activity_at", "learner__email"),
    "-activity": ("-last_activity_at", "learner__email"),
}


@dataclass
class RosterRow:
    enrollment: Enrollment
    student_number: str
    completed_keys: set
    quiz_scores: dict  # quiz id -> best score


@dataclass
class Roster:
    run: CourseRun
    lessons: list[OutlineLesson]
    quiz_ids: list[str]
    rows: list[RosterRow]


def run_roster(run: CourseRun, *, search: str = "", status: str = "", sort: str = "name") -> Roster:
    """Learners of a run with progress by lesson, best quiz scores and last activity, in a
    fixed number of queries whatever the size of the run."""
    enrollments = Enrollment.objects.filter(run=run).select_related("learner", "outline")
    if status in Enrollment.Status.values:
        enrollments = enrollments.filter(status=status)
    search = search.strip()[:100]
    if search:
        enrollments = enrollments.filter(
            Q(learner__email__icontains=search) | Q(learner__full_name__icontains=search)
        )
    enrollments = list(enrollments.order_by(*SORTS.get(sort, SORTS["name"])))
    outline = enrollments[0].outline if enrollments else None
    lessons = list(outline.lessons.filter(is_active=True)) if outline else []
    quiz_ids = [quiz_id for lesson in lessons for quiz_id in lesson.quiz_ids]
    ids = [e.pk for e in enrollments]
    completed = defaultdict(set)
    for enrollment_id, key in LessonProgress.objects.filter(enrollment_id__in=ids).values_list(
        "enrollment_id", "lesson_key"
    ):
        completed[enrollment_id].add(key)
    scores = defaultdict(dict)
    for enrollment_id, quiz_id, best in (
        QuizAttempt.objects.filter(enrollment_id__in=ids)
        .values("enrollment_id", "quiz_id")
        .annotate(best=Max("score"))
        .values_list("enrollment_id", "quiz_id", "best")
    ):
        scores[enrollment_id][quiz_id] = best
    numbers = dict(
        Membership.objects.filter(
            user_id__in=[e.learner_id for e in enrollments],
            role=Role.LEARNER,
            university_id=run.course.university_id,
        ).values_list("user_id", "student_number")
    )
    rows = [
        RosterRow(
            enrollment=e,
            student_number=numbers.get(e.learner_id, ""),
            completed_keys=completed[e.pk],
            quiz_scores=scores[e.pk],
        )
        for e in enrollments
    ]
    return Roster(run=run, lessons=lessons, quiz_ids=quiz_ids, rows=rows)


@dataclass
class OptionShare:
    text: str
    is_correct: bool
    chosen: int
    share: float  # 0..1 of learners who answered the question


@dataclass
class QuestionAnalysis:
    prompt: str
    answered: int
    options: list[OptionShare]


@dataclass
class QuizAnalysis:
    lesson_title: str
    quiz_title: str
    learners: int
    questions: list[QuestionAnalysis]


def run_quiz_analysis(run: CourseRun) -> list[QuizAnalysis]:
    """For each quiz of the run's course, the share of learners choosing each option, using
    every learner's latest attempt (so repeated attempts do not count twice)."""
    outline = CourseOutline.objects.filter(course_key=run.course.translation_key).first()
    if outline is None:
        return []
    latest: dict[tuple[int, str], dict] = {}
    for enrollment_id, quiz_id, answers in (
        QuizAttempt.objects.filter(enrollment__run=run, submitted_at__isnull=False)
        .order_by("submitted_at", "pk")
        .values_list("enrollment_id", "quiz_id", "answers")
    ):
        latest[(enrollment_id, quiz_id)] = answers if isinstance(answers, dict) else {}
    analyses = []
    for lesson in outline.lessons.filter(is_active=True).select_related("lesson_page"):
        if not lesson.quiz_ids or lesson.lesson_page is None:
            continue
        for block in lesson.lesson_page.body:
            if block.block_type != "quiz" or block.id not in lesson.quiz_ids:
                continue
            submissions = [a for (_e, q), a in latest.items() if q == block.id]
            questions = []
            for question in block.value["questions"].bound_blocks:
                picks = [set(s.get(question.id, [])) for s in submissions]
                answered = sum(1 for p in picks if p)
                options = []
                for choice in question.value["choices"].bound_blocks:
                    chosen = sum(1 for p in picks if choice.id in p)
                    options.append(
                        OptionShare(
                            text=choice.value["text"],
                            is_correct=bool(choice.value["is_correct"]),
                            chosen=chosen,
                            share=(chosen / answered) if answered else 0.0,
                        )
                    )
                questions.append(
                    QuestionAnalysis(
                        prompt=question.value["prompt"], answered=answered, options=options
                    )
                )
            analyses.append(
                QuizAnalysis(
                    lesson_title=lesson.title,
                    quiz_title=block.value["title"],
                    learners=len(submissions),
                    questions=questions,
                )
            )
    return analyses


def announcements_of_run(run: CourseRun, *, limit: int = 50) -> list[Announcement]:
    """A run's announcements, newest first, for its instructors' page."""
    return list(Announcement.objects.filter(run=run)[:limit])


def run_announcements(run_ids, limit: int) -> list[RunNotice]:
    """The newest announcements to any of `run_ids`, as dashboard notices (one query)."""
    rows = (
        Announcement.objects.filter(run_id__in=list(run_ids))
        .order_by("-created_at")
        .values_list("run_id", "title", "body", "created_at")[:limit]
    )
    return [RunNotice(*row) for row in rows]
