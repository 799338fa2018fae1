"""A newcomer's whole journey, through HTTP only: sign up, enroll, learn, finish, see it."""

import re

import pytest
from django.test import Client

from accounts.models import User
from learning.models import Enrollment
from tests import factories as f


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def form_inputs(html: str, name_prefix: str) -> dict[str, list[str]]:
    """Option ids offered by the quiz form, by question field name."""
    found: dict[str, list[str]] = {}
    for name, value in re.findall(rf'name="({name_prefix}[^"]+)" value="([^"]+)"', html):
        found.setdefault(name, []).append(value)
    return found


@pytest.mark.django_db
def test_sign_up_enroll_learn_and_complete_a_course():
    university = f.UniversityFactory(code="tnu", name="Tajik National University")
    course = f.build_course(university, title="Machine learning foundations", min_quiz_average=60)
    f.open_run(course)
    browser = Client(enforce_csrf_checks=True)

    # Sign up with allauth.
    signup_page = browser.get("/en/accounts/signup/")
    assert signup_page.status_code == 200
    response = browser.post(
        "/en/accounts/signup/",
        {
            "csrfmiddlewaretoken": csrf_token(signup_page.content.decode()),
            "email": "zarina@example.org",
            "full_name": "Zarina Nazarova",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    learner = User.objects.get(email="zarina@example.org")
    assert learner.full_name == "Zarina Nazarova"

    # Find the course in the catalogue and enroll from its page.
    catalogue = browser.get("/en/catalogue/?q=machine").content.decode()
    assert course.url in catalogue
    course_html = browser.get(course.url).content.decode()
    run_id = re.search(r'name="run" value="(\d+)"', course_html).group(1)
    response = browser.post(
        "/en/learn/enroll/",
        {"csrfmiddlewaretoken": csrf_token(course_html), "run": run_id, "next": course.url},
    )
    assert response.status_code == 303
    enrollment = Enrollment.objects.get(learner=learner)

    # Work through the lessons in order, following the "next" links.
    lessons = f.lessons_of(course)
    url = re.search(r'href="([^"]+)">Continue: ', browser.get(course.url).content.decode())[1]
    visited = []
    while url:
        html = browser.get(url).content.decode()
        lesson = next(lesson for lesson in lessons if lesson.url == url)
        visited.append(lesson.title)
        token = csrf_token(html)
        if lesson.quiz_blocks():
            quiz = lesson.quiz_blocks()[0]
            # The quiz opens with a Start button; the attempt it starts is then on the page.
            start = re.search(r'action="([^"]+/quiz/start/)"', html).group(1)
            started = browser.post(start, {"csrfmiddlewaretoken": token, "quiz_id": quiz.id})
            assert started.status_code == 303
            html = browser.get(url).content.decode()
            offered = form_inputs(html, "q-")
            answers = {}
            for question in quiz.value["questions"].bound_blocks:
                right = [
                    c.id for c in question.value["choices"].bound_blocks if c.value["is_correct"]
                ]
                assert set(right) <= set(offered[f"q-{question.id}"])
                answers[f"q-{question.id}"] = right
            attempt = re.search(r'name="attempt" value="(\d+)"', html).group(1)
            action = re.search(r'action="([^"]+/quiz/)"', html).group(1)
            response = browser.post(
                action,
                {"csrfmiddlewaretoken": token, "quiz_id": quiz.id, "attempt": attempt, **answers},
            )
        else:
            action = re.search(r'action="([^"]+/complete/)"', html).group(1)
            response = browser.post(action, {"csrfmiddlewaretoken": token})
        assert response.status_code == 303
        next_link = re.search(r'rel="next" href="([^"]+)"', html)
        url = next_link.group(1) if next_link else None

    assert visited == [lesson.title for lesson in lessons]
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.quiz_average == 100

    # The dashboard shows the course as completed.
    dashboard = browser.get("/en/learn/").content.decode()
    completed = dashboard.split("Completed courses", 1)[1]
    assert "Machine learning foundations" in completed
    assert "You are not taking any course right now." in dashboard
