"""Reads for the instructor tools. Callers pass a run already checked by `teaching.access`."""

from dataclasses import dataclass

from courses.models import CourseRun
from learning.models import CourseOutline, OutlineLesson, QuizAttempt
from learning.notices import RunNotice
from learning.selectors import outline_of_run

from .models import Announcement


def active_lessons_of_run(run: CourseRun) -> list[OutlineLesson]:
    """The lessons learners of `run` progress through, in course order."""
    outline = outline_of_run(run)
    return outline.active_lessons if outline else []


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
