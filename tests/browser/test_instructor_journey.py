from pathlib import Path

from courses.models import LessonPage
from tests.factories import PASSWORD, UniversityFactory, build_course, make_member, open_run

OUT = Path("/tmp/ij")


def snap(page, name):
    OUT.joinpath(f"{name}.html").write_text(page.content())
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)


def login(page, user):
    page.goto("/admin/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_explore(new_page):
    uni = UniversityFactory(code="tjtu", name="Tajik Technical University")
    course = build_course(uni, title="Foundations of AI", modules=1, lessons_per_module=1, quiz_in_last_lesson=False)
    open_run(course)
    instructor = make_member("instructor", uni, full_name="Farrukh Instructor")
    editor = make_member("editor", uni, full_name="Zarina Editor")
    page = new_page(axe=False)
    login(page, instructor)
    module = course.get_children().first()
    page.goto(f"/admin/pages/{module.pk}/")
    page.get_by_role("link", name="Add child page").click()
    page.wait_for_load_state()
    page.locator("input[name='title']").fill("Lesson 1.2: Evaluating models")
    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Quiz").click()
    prefix = page.locator("input[name^='body-'][name$='-type'][value='quiz']").get_attribute("name")[: -len("-type")]
    quiz = page.locator(f"[data-streamfield-child]:has(> input[name='{prefix}-type'])")
    quiz.get_by_label("Title").fill("Model evaluation check")
    quiz.get_by_label("Pass mark").fill("50")
    questions = quiz.locator("[data-contentpath='questions'] [data-streamfield-list-container]").first
    q = questions.locator(":scope > [data-streamfield-child]")
    q.nth(0).get_by_label("Question", exact=False).first.fill("Which data do you evaluate on?")
    choices = q.nth(0).locator("[data-contentpath='choices'] [data-streamfield-list-container]")
    choices.locator(":scope > [data-streamfield-list-add]").last.click()
    c = choices.locator(":scope > [data-streamfield-child]")
    print("choices", c.count())
    c.nth(0).get_by_label("Answer").fill("The training set")
    c.nth(1).get_by_label("Answer").fill("A held-out test set")
    c.nth(1).get_by_label("Correct").check()
    snap(page, "7")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to tjtu course approval").click()
    page.wait_for_load_state()
    print(page.url)
    snap(page, "8")
    lesson = LessonPage.objects.get(title="Lesson 1.2: Evaluating models")
    print(lesson.live, lesson.body.raw_data)
    ed = new_page(axe=False)
    login(ed, editor)
    snap(ed, "9")
    ed.goto(f"/admin/pages/{lesson.pk}/edit/")
    snap(ed, "10")
