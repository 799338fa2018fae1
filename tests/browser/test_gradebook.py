"""The instructor's learner list and gradebook on a phone: readable and without sideways
scrolling of the page (wide tables scroll inside their own box)."""

from learning.services import enrollment_create, lesson_mark_complete
from tests.factories import UniversityFactory, build_course, lessons_of, make_member, open_run

from .conftest import assert_accessible

PHONE = {"viewport": {"width": 360, "height": 740}}


def test_roster_and_gradebook_fit_a_360_px_screen(page_as):
    university = UniversityFactory(code="ua", name="University A")
    course = build_course(university, title="Statistics", modules=3, lessons_per_module=2)
    run = open_run(course)
    instructor = make_member("instructor", university)
    for n in range(4):
        learner = make_member("learner", university, full_name=f"Learner with a long name {n}")
        enrollment = enrollment_create(learner=learner, run=run)
        lesson_mark_complete(
            enrollment=enrollment, lesson_key=lessons_of(course)[0].translation_key
        )
    page = page_as(instructor, **PHONE)
    for path in (f"/en/teach/runs/{run.pk}/gradebook/", f"/en/teach/runs/{run.pk}/roster/"):
        response = page.goto(path + "?days=400")  # a bad value: the message must fit too
        assert response.status == 200, path
        assert page.get_by_role("alert").is_visible()
        assert page.locator(".table-box").count() == 1
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= 360, (path, page_width)
        box = page.locator(".table-box").evaluate("b => [b.scrollWidth, b.clientWidth]")
        assert box[0] > box[1]  # the table itself is wider, and scrolls in its box
        assert_accessible(page)
