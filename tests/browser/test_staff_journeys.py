"""Each staff role logs in through the form and reaches its work in one click, in Chromium.

The instructor lands on Teach and opens a run's gradebook, with the quiz named by its lesson
and the learner's score, and downloads it; the editor lands on the review queue, which names
the course and university of the page awaiting review; the registrar lands on Reports.
"""

from pathlib import Path

from courses.models import CourseRun, LessonPage
from learning.services import enrollment_create
from tests.factories import PASSWORD, UniversityFactory, make_member, quiz_attempt_answer

from .conftest import assert_accessible
from .content import course_with_quiz


def log_in_by_form(page, user) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()


def test_an_instructor_lands_on_teach_and_reads_the_gradebook(new_page):
    university = UniversityFactory(name="Tajik National University")
    course = course_with_quiz(university=university, title="Neural Networks")
    learner = make_member("learner", university, full_name="Farhod Rahimov")
    enrollment = enrollment_create(learner=learner, run=CourseRun.objects.get(course=course))
    quiz_lesson = LessonPage.objects.descendant_of(course).order_by("path").last()
    quiz_attempt_answer(enrollment, quiz_lesson, correct=True)
    instructor = make_member("instructor", university)

    page = new_page()
    log_in_by_form(page, instructor)
    page.get_by_role("heading", name="Your runs").wait_for()
    assert page.url.endswith("/en/teach/")
    assert "Tajik National University" in page.inner_text("main")  # a name, not a code
    page.get_by_role("link", name="Gradebook").first.click()
    page.get_by_role("heading", name="Gradebook", exact=False).wait_for()
    table = page.locator(".table-box").inner_text()
    assert quiz_lesson.title in table
    assert "Farhod Rahimov" in table
    assert "100" in table
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "Farhod Rahimov" in content and quiz_lesson.title in content


def test_an_editor_lands_on_the_review_queue_with_course_and_university(new_page):
    university = UniversityFactory(name="Kazakh-British Technical University")
    course = course_with_quiz(university=university, title="Computer Vision")
    author = make_member("instructor", university)
    lesson = LessonPage.objects.descendant_of(course).order_by("path").first()
    lesson.title = "Convolutions, revised"
    lesson.save_revision(user=author)
    lesson.get_workflow().start(lesson, author)
    editor = make_member("editor", university)

    page = new_page()
    log_in_by_form(page, editor)
    queue = page.locator("#awaiting-review-section")
    queue.wait_for()
    assert "/admin/" in page.url
    text = queue.inner_text()
    for expected in ("Convolutions, revised", "Computer Vision", university.name, "title"):
        assert expected in text


def test_a_registrar_lands_on_reports(new_page):
    university = UniversityFactory(name="Samarkand State University")
    registrar = make_member("registrar", university)
    page = new_page()
    log_in_by_form(page, registrar)
    page.get_by_role("heading", name="Reports for Samarkand State University").wait_for()
    assert page.url.endswith("/en/reports/")
    # One click from anywhere: the header's Reports link.
    page.goto("/en/catalogue/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("heading", name="Reports for Samarkand State University").wait_for()
