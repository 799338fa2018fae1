import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import CourseRun
from learning import services
from learning.forms import SignupDetailsForm
from learning.models import (
    Enrollment,
    LessonProgress,
    ProgramEnrollment,
    QuizAttempt,
)
from teaching.models import Announcement
from tests import factories as f

ENROLL = "/en/learn/enroll/"
DASHBOARD = "/en/learn/"


@pytest.fixture
def tnu():
    return f.UniversityFactory(code="tnu", name="Tajik National University")


@pytest.fixture
def course(tnu):
    return f.build_course(tnu, title="Machine learning foundations")


@pytest.fixture
def run(course):
    return f.open_run(course)


@pytest.fixture
def learner(tnu):
    return f.make_member("learner", tnu)


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def enrollment(learner, run):
    return services.enrollment_create(learner=learner, run=run)


def quiz_post(lesson, *, correct=True, attempt=None) -> dict:
    """The form an attempt shows, filled in: `attempt` (an open QuizAttempt) or, for posts
    refused before any attempt is looked at, every question with no attempt id."""
    quiz = lesson.quiz_blocks()[0]
    data = {"quiz_id": quiz.id}
    draw = (
        attempt.draw
        if attempt
        else [
            {"question": q.id, "options": [c.id for c in q.value["choices"].bound_blocks]}
            for q in quiz.value["questions"].bound_blocks
        ]
    )
    if attempt:
        data["attempt"] = attempt.pk
    for question_id, options in f.answers_for_draw(quiz, draw, correct=correct).items():
        data[f"q-{question_id}"] = options
    return data


def start_attempt(client, lesson):
    """Press the quiz's Start button as the learner; returns the open attempt."""
    quiz = lesson.quiz_blocks()[0]
    response = client.post(reverse("learning:quiz_start", args=[lesson.pk]), {"quiz_id": quiz.id})
    assert response.status_code == 303, response.status_code
    return QuizAttempt.objects.get(quiz_id=quiz.id, submitted_at__isnull=True)


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def nothing_written():
    return (
        Enrollment.objects.count(),
        LessonProgress.objects.count(),
        QuizAttempt.objects.count(),
        ProgramEnrollment.objects.count(),
    )


# --- Enroll and withdraw -----------------------------------------------------------------


@pytest.mark.django_db
def test_enroll_creates_an_enrollment_and_returns_to_the_course(
    learner_client, learner, course, run
):
    response = learner_client.post(ENROLL, {"run": run.pk, "next": course.url})

    assert response.status_code == 303
    assert response["Location"] == course.url
    assert Enrollment.objects.get(learner=learner, run=run).status == "active"
    assert any("You are enrolled" in text for text in message_texts(response))


@pytest.mark.django_db
def test_enroll_ignores_an_offsite_next(learner_client, run):
    response = learner_client.post(ENROLL, {"run": run.pk, "next": "https://evil.example/"})

    assert response.status_code == 303
    assert response["Location"] == reverse("learning:dashboard")


@pytest.mark.django_db
def test_enrolling_twice_is_a_conflict(learner_client, enrollment, run):
    before = nothing_written()

    response = learner_client.post(ENROLL, {"run": run.pk})

    assert response.status_code == 409
    assert "You are already enrolled in this run." in response.content.decode()
    assert nothing_written() == before


@pytest.mark.django_db
def test_enrolling_in_a_closed_run_is_refused(learner_client, run):
    CourseRun.objects.filter(pk=run.pk).update(enrollment_closes_at=timezone.now())

    response = learner_client.post(ENROLL, {"run": run.pk})

    assert response.status_code == 409
    assert "Enrollment for this run is closed." in response.content.decode()
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_enrolling_in_a_full_run_is_refused(learner_client, course, tnu):
    run = f.open_run(course, capacity=1)
    services.enrollment_create(learner=f.make_member("learner", tnu), run=run)

    response = learner_client.post(ENROLL, {"run": run.pk})

    assert response.status_code == 409
    assert "This run is full." in response.content.decode()
    assert Enrollment.objects.filter(run=run).count() == 1


@pytest.mark.django_db
def test_enrolling_without_the_prerequisites_is_forbidden(learner_client, tnu, course):
    advanced = f.build_course(tnu, title="Deep learning", modules=1, lessons_per_module=1)
    advanced.prerequisites.add(course)
    advanced.save()
    run = f.open_run(advanced)

    response = learner_client.post(ENROLL, {"run": run.pk})

    assert response.status_code == 403
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({}, 400),
        ({"run": ""}, 400),
        ({"run": "abc"}, 400),
        ({"run": "-1"}, 400),
        ({"run": "1 OR 1=1"}, 400),
        ({"run": "9" * 40}, 400),
        ({"run": "999999"}, 404),
    ],
)
def test_enroll_with_bad_run_ids(learner_client, run, data, status):
    response = learner_client.post(ENROLL, data)

    assert response.status_code == status
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_enroll_is_post_only(learner_client, run):
    assert learner_client.get(ENROLL, {"run": run.pk}).status_code == 405
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_anonymous_enroll_is_refused(client, run):
    response = client.post(ENROLL, {"run": run.pk})

    assert response.status_code == 403
    assert "Log in" in response.content.decode()
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_posts_without_a_csrf_token_are_refused(learner, run, course):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    lesson = f.lessons_of(course)[0]

    responses = [
        strict.post(ENROLL, {"run": run.pk}),
        strict.post(f"/en/learn/lessons/{lesson.pk}/complete/"),
        strict.post(f"/en/learn/lessons/{lesson.pk}/quiz/", {"quiz_id": "x"}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert "security token" in responses[0].content.decode()
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_withdraw(learner_client, enrollment, course):
    url = reverse("learning:withdraw", args=[enrollment.pk])

    response = learner_client.post(url, {"next": course.url})
    again = learner_client.post(url)

    assert response.status_code == 303
    enrollment.refresh_from_db()
    assert enrollment.status == "withdrawn"
    assert again.status_code == 409


@pytest.mark.django_db
def test_cannot_withdraw_someone_elses_enrollment(client, tnu, enrollment):
    client.force_login(f.make_member("learner", tnu))

    response = client.post(reverse("learning:withdraw", args=[enrollment.pk]))

    assert response.status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


@pytest.mark.django_db
def test_program_enroll_enrolls_in_required_courses(learner_client, learner, tnu, course, run):
    other = f.build_course(tnu, title="Computer vision", modules=1, lessons_per_module=1)
    f.open_run(other)
    program = f.build_program(tnu, [tnu], [course, other])
    url = reverse("learning:program_enroll")

    response = learner_client.post(url, {"program": program.pk, "next": program.url})
    again = learner_client.post(url, {"program": program.pk})

    assert response.status_code == 303
    assert ProgramEnrollment.objects.filter(learner=learner, program=program).exists()
    assert Enrollment.objects.filter(learner=learner).count() == 2
    assert again.status_code == 409


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "status"), [("", 400), ("x", 400), ("424242", 404)])
def test_program_enroll_with_bad_ids(learner_client, value, status):
    response = learner_client.post(reverse("learning:program_enroll"), {"program": value})

    assert response.status_code == status
    assert not ProgramEnrollment.objects.exists()


# --- Progress ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_mark_complete_records_progress_and_goes_to_the_next_lesson(
    learner_client, enrollment, course
):
    lessons = f.lessons_of(course)

    response = learner_client.post(
        reverse("learning:lesson_complete", args=[lessons[0].pk]), {"next": lessons[1].url}
    )

    assert response.status_code == 303
    assert response["Location"] == lessons[1].url
    assert LessonProgress.objects.filter(
        enrollment=enrollment, lesson_key=lessons[0].translation_key, source="manual"
    ).exists()
    enrollment.refresh_from_db()
    assert enrollment.lessons_completed == 1


@pytest.mark.django_db
def test_mark_complete_refuses_a_quiz_lesson(learner_client, enrollment, course):
    quiz_lesson = f.lessons_of(course)[1]

    response = learner_client.post(reverse("learning:lesson_complete", args=[quiz_lesson.pk]))

    assert response.status_code == 400
    assert "completed by passing its quiz" in response.content.decode()
    assert not LessonProgress.objects.exists()


@pytest.mark.django_db
def test_progress_posts_for_a_course_the_learner_is_not_in(learner_client, tnu, enrollment):
    elsewhere = f.build_course(tnu, title="Other", modules=1, lessons_per_module=2)
    lessons = f.lessons_of(elsewhere)

    complete = learner_client.post(reverse("learning:lesson_complete", args=[lessons[0].pk]))
    quiz = learner_client.post(
        reverse("learning:quiz_submit", args=[lessons[1].pk]), quiz_post(lessons[1])
    )

    assert complete.status_code == 403 and quiz.status_code == 403
    assert "You are not enrolled in this course." in quiz.content.decode()
    assert not LessonProgress.objects.exists() and not QuizAttempt.objects.exists()


@pytest.mark.django_db
def test_anonymous_progress_posts_are_refused(client, course, run):
    lessons = f.lessons_of(course)

    complete = client.post(reverse("learning:lesson_complete", args=[lessons[0].pk]))
    quiz = client.post(reverse("learning:quiz_submit", args=[lessons[1].pk]), quiz_post(lessons[1]))

    assert complete.status_code == 403 and quiz.status_code == 403
    assert not LessonProgress.objects.exists() and not QuizAttempt.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["learning:lesson_complete", "learning:quiz_submit"])
def test_progress_posts_for_unknown_lessons(learner_client, enrollment, view):
    response = learner_client.post(reverse(view, args=[987654]))

    assert response.status_code == 404
    assert not LessonProgress.objects.exists()


@pytest.mark.django_db
def test_quiz_submit_grades_on_the_server_and_shows_the_result(learner_client, enrollment, course):
    lesson = f.lessons_of(course)[1]
    url = reverse("learning:quiz_submit", args=[lesson.pk])

    first = start_attempt(learner_client, lesson)
    failed = learner_client.post(url, quiz_post(lesson, correct=False, attempt=first))
    second = start_attempt(learner_client, lesson)
    passed = learner_client.post(url, quiz_post(lesson, attempt=second))

    quiz_id = lesson.quiz_blocks()[0].id
    assert failed.status_code == 303 and passed.status_code == 303
    assert passed["Location"] == f"{lesson.url}#quiz-{quiz_id}-result"
    assert [a.passed for a in QuizAttempt.objects.order_by("pk")] == [False, True]
    assert LessonProgress.objects.filter(lesson_key=lesson.translation_key, source="quiz").exists()
    page = learner_client.get(lesson.url).content.decode()
    assert "Passed" in page and "100% (2 of 2 correct)" in page
    assert "2 attempts, best 100%" in page
    assert page.count(">Correct</p>") == 2
    assert "Lesson completed" in page


@pytest.mark.django_db
def test_failed_quiz_shows_which_questions_were_wrong_with_explanations(
    learner_client, tnu, learner
):
    quiz = f.quiz_block(questions=[("Pick the vowel", [("a", True), ("b", False)])], pass_mark=100)
    quiz["value"]["questions"][0]["explanation"] = "Vowels are a, e, i, o, u."
    course = f.build_course(tnu, modules=1, lessons_per_module=1, quiz_in_last_lesson=False)
    lesson = f.lessons_of(course)[0]
    lesson.body = [*lesson.body.raw_data, quiz]
    f.publish(lesson)
    lesson = f.lessons_of(course)[0]
    services.enrollment_create(learner=learner, run=f.open_run(course))
    attempt = start_attempt(learner_client, lesson)

    response = learner_client.post(
        reverse("learning:quiz_submit", args=[lesson.pk]),
        quiz_post(lesson, correct=False, attempt=attempt),
    )
    page = learner_client.get(lesson.url).content.decode()

    assert any("Not passed yet" in text for text in message_texts(response))
    assert "Not correct" in page and "Vowels are a, e, i, o, u." in page
    assert not LessonProgress.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forge",
    [
        "unknown_question",
        "unknown_option",
        "option_of_another_question",
        "unknown_quiz",
        "missing_quiz",
        "quiz_of_another_lesson",
    ],
)
def test_forged_quiz_posts_are_refused_and_change_nothing(
    learner_client, enrollment, course, forge
):
    lessons = f.lessons_of(course)
    lesson = lessons[1]
    data = quiz_post(lesson, attempt=start_attempt(learner_client, lesson))
    question_ids = [key for key in data if key.startswith("q-")]
    if forge == "unknown_question":
        data["q-00000000-0000-0000-0000-000000000000"] = data[question_ids[0]]
    elif forge == "unknown_option":
        data[question_ids[0]] = ["forged-option"]
    elif forge == "option_of_another_question":
        data[question_ids[0]] = data[question_ids[1]]
    elif forge == "unknown_quiz":
        data["quiz_id"] = "forged-quiz"
    elif forge == "missing_quiz":
        del data["quiz_id"]
    elif forge == "quiz_of_another_lesson":
        data["quiz_id"] = lessons[3].quiz_blocks()[0].id
    before = nothing_written()

    response = learner_client.post(reverse("learning:quiz_submit", args=[lesson.pk]), data)

    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    assert nothing_written() == before


# --- Dashboard ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_requires_login(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.django_db
def test_dashboard_shows_courses_programs_next_lesson_and_announcements(
    learner_client, learner, tnu, course, run, enrollment
):
    lessons = f.lessons_of(course)
    services.lesson_mark_complete(enrollment=enrollment, lesson_key=lessons[0].translation_key)
    finished = f.build_course(
        tnu, title="Python basics", modules=1, lessons_per_module=1, quiz_in_last_lesson=False
    )
    done = services.enrollment_create(learner=learner, run=f.open_run(finished))
    services.lesson_mark_complete(
        enrollment=done, lesson_key=f.lessons_of(finished)[0].translation_key
    )
    program = f.build_program(tnu, [tnu], [course, finished])
    services.program_enrollment_create(learner=learner, program=program)
    Announcement.objects.create(run=run, title="Week 2 starts", body="Read module 2.")

    response = learner_client.get(DASHBOARD)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Machine learning foundations" in html
    assert f'href="{lessons[1].url}"' in html and "Next: Lesson 1.2" in html
    assert 'value="25"' in html
    assert "Completed courses" in html and "Python basics" in html
    assert program.title in html and "1 of 2 required courses completed" in html
    assert "Week 2 starts" in html
    assert "My certificates" in html


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_enrollments(client, tnu):
    learner = f.make_member("learner", tnu)
    client.force_login(learner)

    def enroll_in_new_course():
        course = f.build_course(tnu, modules=2, lessons_per_module=2)
        run = f.open_run(course)
        enrollment = services.enrollment_create(learner=learner, run=run)
        services.enrollment_create(learner=f.make_member("learner", tnu), run=run)
        Announcement.objects.create(run=run, title="Hello", body="Welcome.")
        services.lesson_mark_complete(
            enrollment=enrollment, lesson_key=f.lessons_of(course)[0].translation_key
        )
        return course

    program = f.build_program(tnu, [tnu], [enroll_in_new_course()])
    services.program_enrollment_create(learner=learner, program=program)
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as few:
        client.get(DASHBOARD)
    for _ in range(3):
        enroll_in_new_course()
    with CaptureQueriesContext(connection) as many:
        response = client.get(DASHBOARD)

    assert len(response.context["dashboard"].active) == 4
    assert len(many) == len(few)


# --- Sign-up details ---------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_details_form_saves_a_tidy_full_name(tnu):
    user = f.UserFactory(full_name="")
    form = SignupDetailsForm({"full_name": "  Zarina   Nazarova "})

    assert form.is_valid()
    form.signup(None, user)
    user.refresh_from_db()
    assert user.full_name == "Zarina Nazarova"


@pytest.mark.parametrize("value", ["", "   ", "x" * 201, "Zarina\x00Nazarova", "Zar\x1bina"])
def test_signup_details_form_refuses_bad_names(value):
    assert not SignupDetailsForm({"full_name": value}).is_valid()
