"""Quiz attempts (ADR 0037): limits, cooldowns, stored draws, pools, grading by option id,
and the course rule that asks for a pass within the limit."""

import itertools
from datetime import timedelta

import pytest

from learning import quiz_services, services
from learning.grading import QuizSubmissionError
from learning.models import Enrollment, LessonProgress, QuizAttempt
from tests import factories as f

SIX_QUESTIONS = [
    (f"Question {n}", [(f"right {n}", True), (f"wrong {n}a", False), (f"wrong {n}b", False)])
    for n in range(6)
]


@pytest.fixture
def university():
    return f.UniversityFactory(code="tnu", name="Tajik National University")


def quiz_course(university, *, questions=None, pass_mark=60, course_fields=None, **settings):
    """A one-lesson course whose lesson is a quiz with `settings`; its lesson and a learner's
    enrollment."""
    course = f.build_course(
        university,
        modules=1,
        lessons_per_module=1,
        quiz_in_last_lesson=False,
        **(course_fields or {}),
    )
    lesson = f.lessons_of(course)[0]
    quiz = f.quiz_block(questions=questions, pass_mark=pass_mark)
    quiz["value"].update(settings)
    lesson.body = [*lesson.body.raw_data, quiz]
    f.publish(lesson)
    lesson = f.lessons_of(course)[0]
    enrollment = services.enrollment_create(
        learner=f.make_member("learner", university), run=f.open_run(course)
    )
    return lesson, enrollment


def start(enrollment, lesson):
    return quiz_services.quiz_attempt_start(
        enrollment=enrollment, lesson=lesson, quiz_id=lesson.quiz_blocks()[0].id
    )


def submit(enrollment, lesson, attempt, answers):
    return quiz_services.quiz_attempt_submit(
        enrollment=enrollment,
        lesson=lesson,
        quiz_id=lesson.quiz_blocks()[0].id,
        attempt_id=attempt.pk,
        answers=answers,
    )


def fail(enrollment, lesson):
    return f.quiz_attempt_answer(enrollment, lesson, correct=False)


def wait_out_cooldown(enrollment, minutes):
    # Move the last submission back in time instead of waiting: the rule reads stored times.
    latest = QuizAttempt.objects.filter(enrollment=enrollment).order_by("-number").first()
    QuizAttempt.objects.filter(pk=latest.pk).update(
        submitted_at=latest.submitted_at - timedelta(minutes=minutes, seconds=1)
    )


def refused_code(call) -> str:
    with pytest.raises(services.LearningError) as refused:
        call()
    return refused.value.code


@pytest.mark.django_db
def test_the_attempt_limit_is_enforced(university):
    lesson, enrollment = quiz_course(university, attempt_limit=2)
    fail(enrollment, lesson)
    fail(enrollment, lesson)

    assert refused_code(lambda: start(enrollment, lesson)) == "no_attempts_left"
    assert QuizAttempt.objects.count() == 2
    assert [a.number for a in QuizAttempt.objects.order_by("number")] == [1, 2]


@pytest.mark.django_db
def test_a_passed_quiz_takes_no_more_attempts(university):
    lesson, enrollment = quiz_course(university)
    f.quiz_attempt_answer(enrollment, lesson)

    assert refused_code(lambda: start(enrollment, lesson)) == "quiz_passed"


@pytest.mark.django_db
def test_the_cooldown_runs_from_the_failed_submission(university):
    lesson, enrollment = quiz_course(university, cooldown_minutes=30)
    fail(enrollment, lesson)

    with pytest.raises(services.LearningError) as refused:
        start(enrollment, lesson)
    assert refused.value.code == "cooldown"
    assert "Your next attempt opens in 29" in refused.value.message  # "29 minutes", Django's words

    wait_out_cooldown(enrollment, 30)
    assert start(enrollment, lesson).number == 2


@pytest.mark.django_db
def test_the_draw_is_fixed_while_an_attempt_is_open(university):
    lesson, enrollment = quiz_course(university, questions=SIX_QUESTIONS, questions_per_attempt=3)

    first = start(enrollment, lesson)
    again = start(enrollment, lesson)

    assert again.pk == first.pk and again.draw == first.draw
    assert QuizAttempt.objects.count() == 1


@pytest.mark.django_db
def test_a_pool_draws_n_of_m_questions_with_all_their_options(university):
    lesson, enrollment = quiz_course(university, questions=SIX_QUESTIONS, questions_per_attempt=4)
    quiz = lesson.quiz_blocks()[0]
    options = {
        q.id: {c.id for c in q.value["choices"].bound_blocks}
        for q in quiz.value["questions"].bound_blocks
    }

    attempt = start(enrollment, lesson)

    drawn = [item["question"] for item in attempt.draw]
    assert len(drawn) == len(set(drawn)) == 4
    assert set(drawn) <= set(options)
    assert drawn == [q for q in options if q in drawn]  # shown in authored order
    for item in attempt.draw:
        assert sorted(item["options"]) == sorted(options[item["question"]])
    graded = submit(enrollment, lesson, attempt, f.answers_for_draw(quiz, attempt.draw))
    assert graded.question_count == 4 and graded.correct_count == 4 and graded.passed


@pytest.mark.django_db
def test_option_order_changes_from_one_attempt_to_the_next(university):
    lesson, enrollment = quiz_course(university, questions=SIX_QUESTIONS)
    quiz = lesson.quiz_blocks()[0]
    draws = []
    for _ in range(4):
        attempt = start(enrollment, lesson)
        draws.append({item["question"]: item["options"] for item in attempt.draw})
        submit(enrollment, lesson, attempt, f.answers_for_draw(quiz, attempt.draw, correct=False))

    for before, after in itertools.pairwise(draws):
        assert all(before[q] != after[q] for q in before)


@pytest.mark.django_db
def test_answer_order_stays_as_authored_when_shuffling_is_off(university):
    lesson, enrollment = quiz_course(university, questions=SIX_QUESTIONS, shuffle_answers=False)
    quiz = lesson.quiz_blocks()[0]
    authored = {
        q.id: [c.id for c in q.value["choices"].bound_blocks]
        for q in quiz.value["questions"].bound_blocks
    }

    attempt = start(enrollment, lesson)

    assert {item["question"]: item["options"] for item in attempt.draw} == authored


@pytest.mark.django_db
def test_grading_goes_by_option_id_whatever_the_order_shown(university):
    lesson, enrollment = quiz_course(university, questions=SIX_QUESTIONS, pass_mark=100)
    quiz = lesson.quiz_blocks()[0]
    attempt = start(enrollment, lesson)
    # The option at the first displayed position is right only by chance; by id it is graded.
    first_shown = {item["question"]: [item["options"][0]] for item in attempt.draw}
    right = f.answers_for_draw(quiz, attempt.draw)
    expected = sum(1 for q in right if right[q] == first_shown[q])

    graded = submit(enrollment, lesson, attempt, first_shown)

    assert graded.correct_count == expected
    assert graded.answers == first_shown


@pytest.mark.django_db
def test_options_and_questions_outside_the_draw_are_refused(university):
    lesson, enrollment = quiz_course(university, questions=SIX_QUESTIONS, questions_per_attempt=2)
    quiz = lesson.quiz_blocks()[0]
    attempt = start(enrollment, lesson)
    drawn = {item["question"] for item in attempt.draw}
    left_out = next(q.id for q in quiz.value["questions"].bound_blocks if q.id not in drawn)
    right = f.answers_for_draw(quiz, attempt.draw)

    with pytest.raises(QuizSubmissionError):
        submit(enrollment, lesson, attempt, {**right, left_out: []})
    some = next(iter(drawn))
    with pytest.raises(QuizSubmissionError):
        submit(enrollment, lesson, attempt, {some: ["not-an-option"]})

    attempt.refresh_from_db()
    assert not attempt.is_submitted and attempt.score is None


@pytest.mark.django_db
def test_a_replayed_or_stale_submission_changes_nothing(university):
    lesson, enrollment = quiz_course(university, attempt_limit=3)
    quiz = lesson.quiz_blocks()[0]
    attempt = start(enrollment, lesson)
    wrong = f.answers_for_draw(quiz, attempt.draw, correct=False)
    submit(enrollment, lesson, attempt, wrong)
    right = f.answers_for_draw(quiz, attempt.draw)

    assert refused_code(lambda: submit(enrollment, lesson, attempt, right)) == "already_submitted"
    attempt.refresh_from_db()
    assert attempt.passed is False
    stale = QuizAttempt(pk=987654)
    assert refused_code(lambda: submit(enrollment, lesson, stale, right)) == "stale_attempt"
    assert not LessonProgress.objects.exists()


@pytest.mark.django_db
def test_a_submission_beyond_the_limit_or_in_cooldown_says_why(university):
    lesson, enrollment = quiz_course(university, attempt_limit=2, cooldown_minutes=10)
    quiz = lesson.quiz_blocks()[0]
    attempt = start(enrollment, lesson)
    submit(enrollment, lesson, attempt, f.answers_for_draw(quiz, attempt.draw, correct=False))
    right = f.answers_for_draw(quiz, attempt.draw)
    forged = QuizAttempt(pk=attempt.pk + 1000)

    assert refused_code(lambda: submit(enrollment, lesson, forged, right)) == "cooldown"
    wait_out_cooldown(enrollment, 10)
    second = start(enrollment, lesson)
    submit(enrollment, lesson, second, f.answers_for_draw(quiz, second.draw, correct=False))
    assert refused_code(lambda: submit(enrollment, lesson, forged, right)) == "no_attempts_left"
    assert QuizAttempt.objects.count() == 2


@pytest.mark.django_db
def test_pass_within_the_limit_rule(university):
    lesson, enrollment = quiz_course(
        university, attempt_limit=2, course_fields={"completion_quizzes_within_limit": True}
    )
    assert enrollment.outline.quizzes_within_limit
    fail(enrollment, lesson)
    f.quiz_attempt_answer(enrollment, lesson)

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


@pytest.mark.django_db
def test_pass_within_the_limit_rule_refuses_a_pass_beyond_a_lowered_limit(university):
    # An author lowered the limit after the learner had used more attempts: a later pass
    # no longer counts for a course that asks for a pass within the limit.
    lesson, enrollment = quiz_course(
        university,
        questions=[("Pick a", [("a", True), ("b", False)])],
        course_fields={
            "completion_quizzes_within_limit": True,
            "completion_requires_all_lessons": False,
            "min_quiz_average": 50,
        },
    )
    fail(enrollment, lesson)
    fail(enrollment, lesson)
    outline_lesson = enrollment.outline.lessons.get()
    quiz_id = lesson.quiz_blocks()[0].id
    outline_lesson.quiz_rules = {
        quiz_id: {**outline_lesson.quiz_rules[quiz_id], "attempt_limit": 2}
    }
    outline_lesson.save()
    f.quiz_attempt_answer(enrollment, lesson)

    enrollment.refresh_from_db()
    assert enrollment.quiz_average == 100
    assert enrollment.status == Enrollment.Status.ACTIVE


@pytest.mark.django_db
def test_without_the_rule_a_quiz_average_completes_without_every_pass(university):
    lesson, enrollment = quiz_course(
        university,
        questions=[
            ("Pick a", [("a", True), ("b", False)]),
            ("Pick c", [("c", True), ("d", False)]),
        ],
        attempt_limit=1,
        pass_mark=100,
        course_fields={"completion_requires_all_lessons": False, "min_quiz_average": 50},
    )
    quiz = lesson.quiz_blocks()[0]
    attempt = start(enrollment, lesson)
    answers = f.answers_for_draw(quiz, attempt.draw)
    answers[attempt.draw[1]["question"]] = f.answers_for_draw(quiz, attempt.draw, correct=False)[
        attempt.draw[1]["question"]
    ]
    submit(enrollment, lesson, attempt, answers)

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
