"""Builders for test data shared by every app's tests.

Pages are created through Wagtail's tree API and published through revisions, exactly as an
editor would, so the publish signals (and the learning outline sync) run for real.
"""

import itertools
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from courses.models import (
    CourseInstructor,
    CoursePage,
    CourseRun,
    HomePage,
    LessonPage,
    ModulePage,
    ProgramIndexPage,
    ProgramPage,
    UniversityPage,
)
from courses.terms import term_parse
from learning import quiz_services
from universities.models import University
from universities.services import membership_grant

_sequence = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


class UniversityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = University
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"uni{n}")
    name = factory.LazyAttribute(lambda o: f"University {o.code.upper()}")
    country = "TJ"
    website = "https://example.org"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_member(role: str, university: University, *, student_number: str = "", **user_kwargs):
    user = UserFactory(**user_kwargs)
    if role == "learner" and not student_number:
        student_number = f"S{next(_sequence):06d}"
    membership_grant(user=user, university=university, role=role, student_number=student_number)
    return user


def home_page() -> HomePage:
    return HomePage.objects.get(locale__language_code="en")


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def university_section(university: University) -> UniversityPage:
    existing = UniversityPage.objects.filter(university=university, locale__language_code="en")
    if existing.exists():
        return existing.get()
    page = UniversityPage(title=university.name, slug=university.code, university=university)
    home_page().add_child(instance=page)
    return publish(page)


def quiz_block(*, title="Check your understanding", pass_mark=60, questions=None):
    questions = questions or [
        ("Which language is Ilm named in?", [("Tajik", True), ("Latin", False)]),
        ("What is 2 + 2?", [("4", True), ("5", False), ("22", False)]),
    ]
    return {
        "type": "quiz",
        "value": {
            "title": title,
            "pass_mark": pass_mark,
            "questions": [
                {
                    "prompt": prompt,
                    "choices": [{"text": text, "is_correct": ok} for text, ok in choices],
                    "explanation": "",
                }
                for prompt, choices in questions
            ],
        },
    }


def build_course(
    university: University,
    *,
    title: str | None = None,
    modules: int = 2,
    lessons_per_module: int = 2,
    quiz_in_last_lesson: bool = True,
    language: str = "en",
    min_quiz_average: int = 0,
    **fields,
) -> CoursePage:
    """A published course with modules and lessons; the last lesson of each module has a quiz."""
    number = next(_sequence)
    course = CoursePage(
        title=title or f"Course {number}",
        slug=f"course-{number}",
        summary="A course built for tests.",
        language=language,
        level="introductory",
        ects_credits=Decimal("5.0"),
        completion_min_quiz_average=min_quiz_average,
        **fields,
    )
    university_section(university).add_child(instance=course)
    for m in range(1, modules + 1):
        module = ModulePage(title=f"Module {m}", slug=f"module-{m}")
        course.add_child(instance=module)
        for n in range(1, lessons_per_module + 1):
            body = [{"type": "rich_text", "value": f"<p>Lesson {m}.{n} teaches things.</p>"}]
            if quiz_in_last_lesson and n == lessons_per_module:
                body.append(quiz_block())
            lesson = LessonPage(title=f"Lesson {m}.{n}", slug=f"lesson-{m}-{n}", body=body)
            module.add_child(instance=lesson)
    # Children created by add_child are live already; one publish of the course runs the
    # publish signal (and the outline sync) once, as publishing the finished course would.
    return publish(course)


def add_instructor(course: CoursePage, user: User) -> None:
    CourseInstructor.objects.create(course=course, user=user)


def open_run(
    course: CoursePage, *, capacity: int | None = None, term: str = "Spring 2026"
) -> CourseRun:
    """An open run; `term` is read as a season and a year ("Autumn 2031")."""
    now = timezone.now()
    season, year = term_parse(term) or (None, None)
    if season is None:
        raise ValueError(f"not a term: {term!r} (give a season and a year)")
    return CourseRun.objects.create(
        course=course,
        season=season,
        year=year,
        starts_on=(now - timedelta(days=1)).date(),
        ends_on=(now + timedelta(days=90)).date(),
        enrollment_opens_at=now - timedelta(days=7),
        enrollment_closes_at=now + timedelta(days=30),
        capacity=capacity,
    )


def build_program(lead: University, partners: list[University], courses: list[CoursePage]):
    index = ProgramIndexPage.objects.filter(locale__language_code="en").first()
    if index is None:
        index = ProgramIndexPage(title="Programs", slug="programs")
        home_page().add_child(instance=index)
        publish(index)
    number = next(_sequence)
    program = ProgramPage(
        title=f"Program {number}",
        slug=f"program-{number}",
        summary="A joint program.",
        lead_university=lead,
    )
    index.add_child(instance=program)
    program.partner_universities.set(partners)
    for course in courses:
        program.program_courses.create(course=course, is_required=True)
    return publish(program)


def lessons_of(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.descendant_of(course).live().order_by("path"))


def quiz_attempt_answer(enrollment, lesson: LessonPage, quiz=None, *, correct: bool = True):
    """Start an attempt at `quiz` (the lesson's first by default) and submit answers to the
    questions it drew: the right options, or one wrong option each."""
    quiz = quiz or lesson.quiz_blocks()[0]
    attempt = quiz_services.quiz_attempt_start(
        enrollment=enrollment, lesson=lesson, quiz_id=quiz.id
    )
    return quiz_services.quiz_attempt_submit(
        enrollment=enrollment,
        lesson=lesson,
        quiz_id=quiz.id,
        attempt_id=attempt.pk,
        answers=answers_for_draw(quiz, attempt.draw, correct=correct),
    )


def answers_for_draw(quiz, draw: list, *, correct: bool = True) -> dict:
    """{question id: [option ids]} for the questions of `draw`: right, or one wrong each."""
    right = {
        q.id: [c.id for c in q.value["choices"].bound_blocks if c.value["is_correct"]]
        for q in quiz.value["questions"].bound_blocks
    }
    answers = {}
    for item in draw:
        good = right[item["question"]]
        answers[item["question"]] = (
            good if correct else [o for o in item["options"] if o not in good][:1]
        )
    return answers
