"""Demo people: fixed accounts for trying each role, and learners with varied progress.

Learner records are written through `learning.services`, so enrollments, lesson progress, quiz
attempts and completions are exactly what a real learner's clicks would have produced.
"""

import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from courses.models import CoursePage, CourseRun, LessonPage, ProgramPage
from learning import quiz_services, services
from learning.models import Enrollment, ProgramEnrollment
from universities.models import University
from universities.services import membership_grant

from .content.institutions import ACCOUNTS, NAMES, UNIVERSITIES

User = get_user_model()
LEARNER_DOMAIN = "students.demo.ilm.test"


def universities_ensure() -> dict[str, University]:
    """The four demo universities, created once; existing rows are left as they are."""
    found = {}
    for data in UNIVERSITIES:
        university, _created = University.objects.get_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "name_translations": data["name_translations"],
                "country": data["country"],
                "website": data["website"],
                "is_demo": True,
            },
        )
        found[university.code] = university
    return found


@dataclass
class Account:
    email: str
    full_name: str
    roles: list[tuple[str, str]]
    is_superuser: bool
    password_set: bool  # False when the fixed password was withheld (not DEBUG, no --force)


def accounts_ensure(*, password: str | None) -> list[Account]:
    """The fixed demo accounts. The password is set only on accounts that have none yet.

    `password=None` creates the accounts without a usable password (outside development).
    """
    accounts = []
    # One hash for every account: each hash costs about a second by design.
    encoded = make_password(password) if password else None
    for email, full_name, is_superuser, roles in ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=None,
                full_name=full_name,
                is_staff=is_superuser,
                is_superuser=is_superuser,
            )
        if encoded and not user.has_usable_password():
            user.password = encoded
            user.save(update_fields=["password"])
        # allauth logs in verified addresses even where verification is mandatory.
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        for role, code in roles:
            number = _student_number(code, 1) if role == "learner" else ""
            membership_grant(
                user=user,
                university=University.objects.get(code=code),
                role=role,
                student_number=number,
            )
        accounts.append(
            Account(email, full_name, roles, is_superuser, password_set=user.has_usable_password())
        )
    return accounts


def _student_number(code: str, n: int) -> str:
    prefix = next(u["student_prefix"] for u in UNIVERSITIES if u["code"] == code)
    return f"{prefix}-2026-{n:04d}"


def learners_ensure(count: int, *, rng: random.Random) -> list:
    """`count` generated learners spread over the four universities; returns the new ones."""
    universities = list(University.objects.filter(code__in=[u["code"] for u in UNIVERSITIES]))
    universities.sort(key=lambda u: u.code)
    created = []
    for n in range(1, count + 1):
        email = f"learner{n:03d}@{LEARNER_DOMAIN}"
        if User.objects.filter(email=email).exists():
            continue
        university = universities[n % len(universities)]
        given, family = NAMES[university.country]
        given, family = given.split(), family.split()
        # Even positions hold men's names, odd women's, in both lists.
        g = rng.randrange(len(given))
        f = rng.randrange(len(family) // 2) * 2 + g % 2
        user = User.objects.create_user(
            email=email, password=None, full_name=f"{given[g]} {family[f]}"
        )
        membership_grant(
            user=user,
            university=university,
            role="learner",
            student_number=_student_number(university.code, n + 100),
        )
        created.append(user)
    return created


class ProgressSimulator:
    """Walk learners through their courses the way real learners do: some finish, some stall.

    Lesson pages are loaded once and reused; every write still goes through the services.
    """

    def __init__(self, rng: random.Random, *, flawless: bool = False):
        self.rng = rng
        self.flawless = flawless  # every quiz passed at the first attempt
        self._lessons: dict = {}

    def lessons(self, course: CoursePage) -> list[LessonPage]:
        if course.pk not in self._lessons:
            self._lessons[course.pk] = list(
                LessonPage.objects.descendant_of(course).live().order_by("path")
            )
        return self._lessons[course.pk]

    def study(self, enrollment: Enrollment, course: CoursePage, share: float) -> None:
        """Complete the first `share` of the course's lessons, in order."""
        lessons = self.lessons(course)
        for lesson in lessons[: round(share * len(lessons))]:
            quizzes = lesson.quiz_blocks()
            if not quizzes:
                services.lesson_mark_complete(
                    enrollment=enrollment, lesson_key=lesson.translation_key
                )
                continue
            for quiz in quizzes:
                # About one learner in four fails a quiz once before passing it; where the
                # quiz makes them wait after a failure, they stop there for now.
                fails_first = not self.flawless and self.rng.random() < 0.25
                if (
                    fails_first
                    and not self._attempt(enrollment, lesson, quiz, correct_share=0.3)
                    and quiz.value["cooldown_minutes"]
                ):
                    return
                self._attempt(enrollment, lesson, quiz, correct_share=self._good_share())
            enrollment.refresh_from_db()
            if enrollment.status != Enrollment.Status.ACTIVE:
                return

    def _good_share(self) -> float:
        return 1.0 if self.flawless else self.rng.choice([1.0, 1.0, 1.0, 0.8, 0.75])

    def _attempt(self, enrollment, lesson, quiz, *, correct_share: float) -> bool:
        """Answer one attempt at `quiz`, as drawn for it; whether it passed. A quiz that
        allows no attempt now (passed, out of attempts, waiting) counts as not passed."""
        try:
            attempt = quiz_services.quiz_attempt_start(
                enrollment=enrollment, lesson=lesson, quiz_id=quiz.id
            )
        except services.LearningError:
            return False
        questions = {q.id: q for q in quiz.value["questions"].bound_blocks}
        answers = {}
        for item in attempt.draw:
            choices = questions[item["question"]].value["choices"].bound_blocks
            right = [c.id for c in choices if c.value["is_correct"]]
            wrong = [c.id for c in choices if not c.value["is_correct"]]
            answers[item["question"]] = (
                right if self.rng.random() < correct_share or not wrong else wrong[:1]
            )
        attempt = quiz_services.quiz_attempt_submit(
            enrollment=enrollment,
            lesson=lesson,
            quiz_id=quiz.id,
            attempt_id=attempt.pk,
            answers=answers,
        )
        return bool(attempt.passed)


def progress_seed(
    learners: list, *, program: ProgramPage, courses: list[CoursePage], rng: random.Random
) -> None:
    """Enroll new learners and give them varied progress.

    Most learners join the joint program (which enrolls them in its required courses); the
    rest take one or two single courses. A few withdraw, a good share finish courses, and
    those who finished the prerequisites go on to electives.
    """
    simulator = ProgressSimulator(rng)
    runs = {run.course_id: run for run in _open_runs(courses)}
    by_key = {course.translation_key: course for course in courses}
    for learner in learners:
        if rng.random() < 0.65:
            services.program_enrollment_create(learner=learner, program=program)
        else:
            for course in rng.sample(courses[:4], k=rng.choice([1, 1, 2])):
                services.enrollment_create(learner=learner, run=runs[course.pk])
        for enrollment in Enrollment.objects.filter(learner=learner).select_related("outline"):
            course = by_key[enrollment.outline.course_key]
            roll = rng.random()
            if roll < 0.05:
                services.enrollment_withdraw(enrollment=enrollment)
                continue
            share = 1.0 if roll < 0.35 else rng.choice([0.0, 0.2, 0.4, 0.5, 0.7, 0.85])
            simulator.study(enrollment, course, share)
        _take_electives(learner, courses, runs, simulator, rng)


def _take_electives(learner, courses, runs, simulator, rng) -> None:
    for course in courses[4:]:
        if rng.random() < 0.5:
            continue
        try:
            enrollment = services.enrollment_create(learner=learner, run=runs[course.pk])
        except services.LearningError:
            continue  # prerequisites not met, or the run is full: as for a real learner
        simulator.study(enrollment, course, rng.choice([0.2, 0.5, 1.0]))


def demo_learner_progress(email: str, *, program: ProgramPage, rng: random.Random) -> None:
    """The fixed demo learner: in the program, one course finished, one half done."""
    learner = User.objects.get(email=email)
    if ProgramEnrollment.objects.filter(learner=learner, program=program).exists():
        return
    services.program_enrollment_create(learner=learner, program=program)
    simulator = ProgressSimulator(rng, flawless=True)
    first, second = [item.course for item in program.program_courses.filter(is_required=True)][:2]
    for enrollment in Enrollment.objects.filter(learner=learner).select_related("run__course"):
        if enrollment.run.course_id == first.pk:
            simulator.study(enrollment, first, 1.0)
        elif enrollment.run.course_id == second.pk:
            simulator.study(enrollment, second, 0.5)


def demo_graduate_progress(email: str, *, program: ProgramPage, rng: random.Random) -> None:
    """The fixed demo graduate: every required course of the program finished, so the
    program credential and a complete learner record exist (ADR 0051)."""
    learner = User.objects.get(email=email)
    if ProgramEnrollment.objects.filter(learner=learner, program=program).exists():
        return
    services.program_enrollment_create(learner=learner, program=program)
    simulator = ProgressSimulator(rng, flawless=True)
    for enrollment in Enrollment.objects.filter(learner=learner).select_related("run__course"):
        simulator.study(enrollment, enrollment.run.course.specific, 1.0)


def _open_runs(courses: list[CoursePage]) -> list[CourseRun]:
    return [CourseRun.objects.filter(course=course).order_by("pk").first() for course in courses]
