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
