"""The instructor's journey through the Wagtail admin, in a real browser.

An instructor of a university logs in (through allauth), adds a lesson with a quiz to a module
of their course and submits it to the university's course approval workflow; they cannot
publish it themselves. An editor of the same university approves it from the admin dashboard,
the workflow's finishing action publishes it, and an enrolled learner then reads the lesson and
passes the quiz the instructor wrote, which proves the quiz's question and option ids survived
the editor round trip.

Groups, page permissions and the workflow are not built here: `universities.roles` derives them
from the memberships `make_member` grants, as it does in production.
"""

import re

from playwright.sync_api import expect
from wagtail.models import WorkflowState

from audit.models import AuditEvent
from courses.models import LessonPage
from learning.services import enrollment_create
from tests.factories import (
    PASSWORD,
    UniversityFactory,
    build_course,
    lessons_of,
    make_member,
    open_run,
)
from universities.roles import workflow_name

from .conftest import STEP_TIMEOUT_MS, assert_accessible

LESSON_TITLE = "Lesson 1.2: Evaluating models"
QUIZ_TITLE = "Model evaluation check"
QUESTIONS = [
    (
        "Which data should a model be evaluated on?",
        [("The training set", False), ("A held-out test set", True)],
    ),
    (
        "A classifier labels every e-mail as not spam. What is its recall for spam?",
        [("0%", True), ("50%", False), ("100%", False)],
    ),
]


def log_in_to_admin(page, user) -> None:
    """Open the admin as a stranger: Wagtail sends the browser to allauth's login form."""
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/en/accounts/login/\?next=/admin/"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"), timeout=STEP_TIMEOUT_MS)


def stream_child(container):
    """The items of a StreamField list, in order (Wagtail marks each `data-streamfield-child`)."""
    return container.locator(":scope > [data-streamfield-child]")


def fill_answer_options(question, options: list[tuple[str, bool]]) -> None:
    # A new question comes with one empty option; the block needs at least two.
    choices = question.locator("[data-contentpath='choices'] [data-streamfield-list-container]")
    while stream_child(choices).count() < len(options):
        before = stream_child(choices).count()
        choices.locator(":scope > [data-streamfield-list-add]").last.click()
        expect(stream_child(choices)).to_have_count(before + 1)
    for option, (text, correct) in zip(stream_child(choices).all(), options, strict=True):
        option.get_by_role("textbox", name="Answer").fill(text)
        if correct:
            option.get_by_role("checkbox", name="Correct").check()


def add_quiz(page, *, title: str, pass_mark: int, questions) -> None:
    """Insert a quiz block into the lesson body and fill it, the way an author would."""
    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Quiz").click()
    # The block's hidden `<prefix>-type` input names the block; its fields share the prefix.
    type_input = page.locator("input[name^='body-'][name$='-type'][value='quiz']")
    expect(type_input).to_have_count(1)
    quiz = page.locator(
        f"[data-streamfield-child]:has(> input[name='{type_input.get_attribute('name')}'])"
    )
    quiz.get_by_role("textbox", name="Title").fill(title)
    quiz.get_by_role("spinbutton", name="Pass mark").fill(str(pass_mark))
    # The first list container inside the quiz is its question list; choices lists nest in it.
    question_list = quiz.locator(
        "[data-contentpath='questions'] [data-streamfield-list-container]"
    ).first
    for index, (prompt, options) in enumerate(questions):
        if index >= stream_child(question_list).count():
            question_list.locator(":scope > [data-streamfield-list-add]").last.click()
            expect(stream_child(question_list)).to_have_count(index + 1)
        question = stream_child(question_list).nth(index)
        question.get_by_role("textbox", name="Question").fill(prompt)
        fill_answer_options(question, options)


def test_instructor_adds_a_quiz_lesson_an_editor_approves_it_and_it_goes_live(new_page, page_as):
    university = UniversityFactory(code="tjtu", name="Tajik Technical University")
    course = build_course(
        university,
        title="Foundations of AI",
        modules=1,
        lessons_per_module=1,
        quiz_in_last_lesson=False,
    )
    module = course.get_children().get()
    learner = make_member("learner", university, full_name="Dilnoza Learner")
    enrollment = enrollment_create(learner=learner, run=open_run(course))
    instructor = make_member("instructor", university, full_name="Farrukh Instructor")
    editor = make_member("editor", university, full_name="Zarina Editor")
    submit_label = f"Submit to {workflow_name(university)}"  # "Submit to tjtu course approval"

    # --- The instructor writes the lesson and submits it for moderation. ---
    author = new_page(axe=False)
    log_in_to_admin(author, instructor)
    author.goto(f"/admin/pages/{module.pk}/")
    author.get_by_role("link", name="Add child page").click()
    # A module takes only lessons, so Wagtail opens the lesson form at once.
    expect(author).to_have_url(re.compile(rf"/admin/pages/add/courses/lessonpage/{module.pk}/"))
    author.locator("input[name='title']").fill(LESSON_TITLE)
    add_quiz(author, title=QUIZ_TITLE, pass_mark=50, questions=QUESTIONS)
    author.get_by_role("button", name="More actions").click()
    # Instructors hold add and change on their section, not publish: moderation is the way.
    expect(author.get_by_role("button", name=submit_label)).to_be_visible()
    expect(author.get_by_role("button", name=re.compile(r"^Publish"))).to_have_count(0)
    author.get_by_role("button", name=submit_label).click()
    expect(
        author.get_by_text(f"Page '{LESSON_TITLE}' created and submitted for moderation")
    ).to_be_visible(timeout=STEP_TIMEOUT_MS)
    author.get_by_role("row", name=re.compile(LESSON_TITLE)).get_by_text("In moderation").wait_for()

    lesson = LessonPage.objects.get(title=LESSON_TITLE)
    assert not lesson.live
    state = WorkflowState.objects.for_instance(lesson).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == instructor
    assert state.workflow.name == workflow_name(university)

    # Not live yet: the enrolled learner cannot reach it.
    reader = page_as(learner)
    assert reader.goto(lesson.url).status == 404

    # --- An editor of the same university approves it from the dashboard. ---
    approver = new_page(axe=False)
    log_in_to_admin(approver, editor)
    review = approver.locator(
        "section", has=approver.get_by_role("heading", name="Awaiting your review")
    )
    row = review.get_by_role("row", name=re.compile(LESSON_TITLE))
    expect(row).to_contain_text("Farrukh Instructor")
    expect(row).to_contain_text(course.title)  # the queue says which course and university
    expect(row).to_contain_text(university.name)
    row.get_by_role("button", name="Approve", exact=True).click()
    # The admin posts the action, then reloads the dashboard: nothing is left to review.
    expect(review.get_by_role("row", name=re.compile(LESSON_TITLE))).to_have_count(
        0, timeout=STEP_TIMEOUT_MS
    )

    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    lesson.refresh_from_db()
    assert lesson.live
    assert not lesson.has_unpublished_changes
    assert lessons_of(course)[-1].pk == lesson.pk  # the module's last lesson now
    # The approval is in the university's audit log, with the editor as its actor.
    approval = AuditEvent.objects.get(action="workflow.task_approved", actor=editor)
    assert approval.university == university

    # --- The learner reads the new lesson and passes the instructor's quiz. ---
    assert reader.goto(lesson.url).status == 200
    reader.get_by_role("heading", name=LESSON_TITLE, level=1).wait_for()
    expect(reader.locator("main")).to_contain_text(QUIZ_TITLE)
    assert_accessible(reader)
    reader.get_by_role("button", name="Start the quiz").click()
    reader.get_by_role("button", name="Submit answers").wait_for()
    for _prompt, options in QUESTIONS:
        correct = next(text for text, ok in options if ok)
        reader.get_by_role("radio", name=correct, exact=True).check()
    reader.get_by_role("button", name="Submit answers").click()
    reader.get_by_text("Quiz passed", exact=False).first.wait_for()
    enrollment.refresh_from_db()
    assert enrollment.quiz_average == 100
    assert enrollment.lessons_total == 2
