"""The registrar opens the reports dashboard and downloads a report, in a real browser."""

from pathlib import Path

from courses.models import CourseRun
from learning.services import enrollment_create
from tests.factories import UniversityFactory, make_member

from .conftest import assert_accessible
from .content import course_with_quiz


def test_registrar_opens_the_dashboard_and_downloads_a_report(page_as):
    university = UniversityFactory(name="Kazakh National University", country="KZ")
    course = course_with_quiz(university=university, title="Machine Learning Basics")
    learner = make_member("learner", university, full_name="Aigerim Sadykova")
    enrollment_create(learner=learner, run=CourseRun.objects.get(course=course))
    registrar = make_member("registrar", university)

    page = page_as(registrar)
    response = page.goto("/en/reports/")
    assert response.status == 200
    page.get_by_role("heading", name="Reports for Kazakh National University").wait_for()
    assert "Machine Learning Basics" in page.inner_text("main")  # the completion funnel
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export").click()
    download = download_info.value
    content = Path(download.path()).read_bytes().decode("utf-8-sig", errors="replace")
    assert download.suggested_filename
    assert "Aigerim Sadykova" in content or learner.email in content


def test_registrar_picks_counts_and_corrects_a_date_on_a_phone(page_as):
    university = UniversityFactory(name="Kyrgyz National University", country="KG")
    course = course_with_quiz(university=university, title="Data Ethics for Public Services")
    learner = make_member("learner", university, full_name="Nurlan Asanov")
    enrollment_create(learner=learner, run=CourseRun.objects.get(course=course))
    registrar = make_member("registrar", university)

    page = page_as(registrar, viewport={"width": 360, "height": 740})
    page.goto("/en/reports/")
    page.get_by_role("combobox", name="Course").select_option(
        label=("Data Ethics for Public Services (Kyrgyz National University)")
    )
    page.get_by_label("Enrolled from").fill("2026-05-01")
    page.get_by_label("Enrolled until").fill("2026-01-01")
    page.get_by_role("button", name="Count the rows").click()
    page.get_by_text("The end date is before the start date.").wait_for()
    assert page.get_by_label("Enrolled from").input_value() == "2026-05-01"
    assert_fits(page, 360)
    assert_accessible(page)

    page.get_by_label("Enrolled until").fill("")
    page.get_by_label("Enrolled from").fill("")
    page.get_by_role("button", name="Count the rows").click()
    page.get_by_text("This report will have 1 row.").wait_for()
    assert "Kyrgyzstan" in page.inner_text("main")
    assert_fits(page, 360)


def assert_fits(page, width: int) -> None:
    """No horizontal scrolling at `width`; names the elements that stick out if there is."""
    wide = page.evaluate(
        """(width) => [...document.querySelectorAll("main *")]
            .filter(e => e.getBoundingClientRect().right > width + 1
                         && !e.closest(".table-scroll"))
            .slice(0, 5).map(e => e.tagName + "." + e.className + "#" + e.id)""",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide
