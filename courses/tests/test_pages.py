import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from courses.models import CourseRun
from learning import services
from learning.models import Enrollment
from tests import factories as f


@pytest.fixture
def tnu():
    return f.UniversityFactory(code="tnu", name="Tajik National University")


@pytest.fixture
def course(tnu):
    return f.build_course(tnu, title="Machine learning foundations")


@pytest.fixture
def run(course):
    return f.open_run(course, capacity=30, term="Spring 2026")


@pytest.fixture
def learner(tnu):
    return f.make_member("learner", tnu)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


# --- Course page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_course_page_shows_facts_outline_and_runs_to_anonymous(client, tnu, course, run):
    kaznu = f.UniversityFactory(code="kaznu", name="Al-Farabi KazNU", country="KZ")
    course.co_teaching_universities.add(kaznu)
    teacher = f.make_member("instructor", tnu, full_name="Dilnoza Rahimova")
    f.add_instructor(course, teacher)
    prerequisite = f.build_course(tnu, title="Python basics", modules=1, lessons_per_module=1)
    course.prerequisites.add(prerequisite)
    course.save()

    html = client.get(course.url).content.decode()

    for text in [
        "Tajik National University",
        "Al-Farabi KazNU",
        "English",
        "Introductory",
        "5.0 ECTS",
        "30 hours",
        "Dilnoza Rahimova",
        "Python basics",
        "Spring 2026",
        "0 of 30 places taken",
        "Lesson 2.2",
        "Log in to enroll",
    ]:
        assert text in html, text
    assert 'action="/en/learn/enroll/"' not in html


@pytest.mark.django_db
def test_course_page_for_enrolled_learner_shows_progress_and_withdraw(client, course, run, learner):
    enrollment = services.enrollment_create(learner=learner, run=run)
    lesson = f.lessons_of(course)[0]
    services.lesson_mark_complete(enrollment=enrollment, lesson_key=lesson.translation_key)
    client.force_login(learner)

    html = client.get(course.url).content.decode()

    assert "Your progress" in html
    assert 'value="25"' in html
    assert f"/en/learn/enrollments/{enrollment.pk}/withdraw/" in html
    assert "Continue: Lesson 1.2" in html
    assert 'class="done"' in html


@pytest.mark.django_db
def test_course_page_offers_enroll_only_for_open_runs_with_room(client, course, learner):
    now = timezone.now()
    open_run = f.open_run(course, term="Spring 2031")
    full = f.open_run(course, capacity=1, term="Summer 2032")
    services.enrollment_create(learner=f.make_member("learner", course.university), run=full)
    CourseRun.objects.create(
        course=course,
        season="autumn",
        year=2033,
        starts_on=(now + timedelta(days=100)).date(),
        ends_on=(now + timedelta(days=200)).date(),
        enrollment_opens_at=now + timedelta(days=50),
        enrollment_closes_at=now + timedelta(days=90),
    )
    client.force_login(learner)

    html = client.get(course.url).content.decode()

    assert html.count('name="run"') == 1
    assert f'name="run" value="{open_run.pk}"' in html
    assert "Full" in html
    assert "Enrollment closed" in html


# --- Program page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_program_page_shows_partners_courses_and_credits(client, tnu, course, learner):
    kaznu = f.UniversityFactory(code="kaznu", name="Al-Farabi KazNU", country="KZ")
    elective = f.build_course(kaznu, title="Computer vision", modules=1, lessons_per_module=1)
    program = f.build_program(tnu, [tnu, kaznu], [course])
    program.program_courses.create(course=elective, is_required=False)
    program.outcomes = [{"type": "outcome", "value": {"text": "Build ML pipelines", "code": ""}}]
    f.publish(program)
    client.force_login(learner)

    response = client.get(program.url)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Al-Farabi KazNU" in html and "Tajik National University" in html
    assert "Build ML pipelines" in html
    assert "Required courses" in html and "Elective courses" in html
    assert "10.0 ECTS" in html
    assert 'action="/en/learn/programs/enroll/"' in html
    assert response.context["total_credits"] == 10


# --- Lesson page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_lesson_sends_anonymous_readers_to_log_in(client, course):
    lesson = f.lessons_of(course)[0]

    response = client.get(lesson.url)

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


@pytest.mark.django_db
def test_lesson_tells_a_learner_who_is_not_enrolled_to_enroll(client, course, run, learner):
    client.force_login(learner)
    lesson = f.lessons_of(course)[1]

    response = client.get(lesson.url)
    html = response.content.decode()

    assert response.status_code == 403
    assert "This lesson is for learners enrolled in the course." in html
    assert "See the course and enroll" in html
    assert "Check your understanding" not in html  # no quiz content leaks


@pytest.mark.django_db
def test_withdrawn_learner_loses_access(client, course, run, learner):
    enrollment = services.enrollment_create(learner=learner, run=run)
    services.enrollment_withdraw(enrollment=enrollment)
    client.force_login(learner)

    assert client.get(f.lessons_of(course)[0].url).status_code == 403


@pytest.mark.django_db
def test_lesson_for_enrolled_learner_has_quiz_form_navigation_and_progress(
    client, course, run, learner
):
    services.enrollment_create(learner=learner, run=run)
    client.force_login(learner)
    lessons = f.lessons_of(course)
    quiz = lessons[1].quiz_blocks()[0]

    before = client.get(lessons[1].url).content.decode()
    assert f'action="/en/learn/lessons/{lessons[1].pk}/quiz/start/"' in before
    assert "Start the quiz" in before
    client.post(f"/en/learn/lessons/{lessons[1].pk}/quiz/start/", {"quiz_id": quiz.id})

    html = client.get(lessons[1].url).content.decode()

    assert f'action="/en/learn/lessons/{lessons[1].pk}/quiz/"' in html
    assert f'name="quiz_id" value="{quiz.id}"' in html
    for question in quiz.value["questions"].bound_blocks:
        for choice in question.value["choices"].bound_blocks:
            assert f'name="q-{question.id}" value="{choice.id}"' in html
    assert "is_correct" not in html and "True" not in html  # answers never reach the browser
    assert f'rel="prev" href="{lessons[0].url}"' in html
    assert f'rel="next" href="{lessons[2].url}"' in html
    assert "<progress" in html
    assert "Mark as complete" not in html  # graded lessons complete by passing

    first = client.get(lessons[0].url).content.decode()
    assert f'action="/en/learn/lessons/{lessons[0].pk}/complete/"' in first
    assert 'rel="prev"' not in first


@pytest.mark.django_db
def test_course_staff_preview_lessons_without_recording(client, tnu, course):
    instructor = f.make_member("instructor", tnu)
    client.force_login(instructor)

    response = client.get(f.lessons_of(course)[1].url)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Staff preview" in html
    assert "/quiz/" not in html and "disabled" in html
    assert not Enrollment.objects.filter(learner=instructor).exists()


@pytest.mark.django_db
def test_staff_of_another_university_cannot_preview(client, course):
    other = f.UniversityFactory(code="ktu", name="Other", country="KG")
    client.force_login(f.make_member("instructor", other))

    assert client.get(f.lessons_of(course)[0].url).status_code == 403


@pytest.mark.django_db
def test_lesson_query_count_does_not_grow_with_lessons_or_learners(client, tnu):
    small = f.build_course(tnu, modules=1, lessons_per_module=2)
    large = f.build_course(tnu, modules=3, lessons_per_module=4)
    learner = f.make_member("learner", tnu)
    for course in (small, large):
        run = f.open_run(course)
        services.enrollment_create(learner=learner, run=run)
        for _ in range(3):
            services.enrollment_create(learner=f.make_member("learner", tnu), run=run)
    client.force_login(learner)
    # Both are quiz lessons in the middle of their course, with progress recorded.
    small_lesson, large_lesson = f.lessons_of(small)[1], f.lessons_of(large)[7]
    # Each read once first: its route is then remembered (courses.routing), as in use.
    client.get(small_lesson.url)
    client.get(large_lesson.url)

    assert count_queries(client, large_lesson.url) == count_queries(client, small_lesson.url)


@pytest.mark.django_db
def test_lesson_page_stays_within_the_page_budget(client, tnu):
    """Budget (README): a lesson page under 100 KB of HTML + CSS + JS, before media."""
    course = f.build_course(tnu, modules=4, lessons_per_module=6)
    run = f.open_run(course)
    learner = f.make_member("learner", tnu)
    services.enrollment_create(learner=learner, run=run)
    client.force_login(learner)

    html = client.get(f.lessons_of(course)[5].url)
    body = html.content.decode()
    css = Path(settings.BASE_DIR, "lms", "static", "css", "site.css").read_bytes()
    scripts = re.findall(r"<script[^>]*src=", body)

    assert scripts == []  # progressive enhancement: no JavaScript needed
    assert len(html.content) + len(css) < 100_000


# --- Languages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_language_switcher_keeps_the_reader_on_the_same_page(client):
    html = client.get("/en/catalogue/?q=vision").content.decode()

    assert 'href="/ru/catalogue/?q=vision" hreflang="ru"' in html
    assert 'href="/zh-hans/catalogue/?q=vision" hreflang="zh-hans"' in html
    assert client.get("/ru/catalogue/").status_code == 200
    assert 'lang="ru"' in client.get("/ru/catalogue/").content.decode()


@pytest.mark.django_db
def test_language_switcher_links_a_page_to_its_translation(client, course):
    russian = Locale.objects.get(language_code="ru")
    translated = course.copy_for_translation(russian, copy_parents=True)
    translated.slug = "mashinnoe-obuchenie"
    translated.title = "Основы машинного обучения"
    f.publish(translated)

    html = client.get(course.url).content.decode()
    response = client.get(translated.url)

    assert translated.url.startswith("/ru/") and translated.url.endswith("/mashinnoe-obuchenie/")
    assert f'href="{translated.url}" hreflang="ru"' in html
    assert response.status_code == 200
    assert f'href="{course.url}" hreflang="en"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/xx/catalogue/", "/de/catalogue/", "/EN-zz/learn/"])
def test_unknown_language_prefix_is_not_found(client, path):
    response = client.get(path, follow=True)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
