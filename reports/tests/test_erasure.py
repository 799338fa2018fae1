"""A learner erased under a data-protection request leaves every row-level report, while
summaries keep their totals through anonymous counters (ADR 0008)."""

from reports.access import report_scope_for_staff
from reports.filters import ReportFilters
from reports.models import ErasedEnrollment
from reports.selectors import course_summary, enrollment_report_rows


def summary_of(scope, title):
    return next(row for row in course_summary(scope, ReportFilters()) if row["course"] == title)


def test_erased_learner_leaves_rows_but_not_totals(world):
    scope = report_scope_for_staff(world.registrar_a)
    before = summary_of(scope, "Course of A")
    assert before["enrolled"] == 1 and before["completed"] == 1
    email = world.b_in_a.email
    world.b_in_a.delete()

    rows = list(enrollment_report_rows(scope, ReportFilters(), spreadsheet=False))
    assert email not in str(rows) and len(rows) == 2
    trace = ErasedEnrollment.objects.get()
    assert trace.status == "completed" and trace.home_university == world.b
    assert not {f.name for f in ErasedEnrollment._meta.fields} & {"learner", "email", "name"}

    after = summary_of(scope, "Course of A")
    assert after["enrolled"] == 1 and after["completed"] == 1
    assert after["erased_learners"] == 1 and after["completion_rate"] == 100
    assert after["median_progress"] is None  # nobody left to measure
    # The trace respects scopes too: registrar B sees it through its student, C does not.
    assert (
        summary_of(report_scope_for_staff(world.registrar_b), "Course of A")["erased_learners"] == 1
    )


def test_erasure_counts_follow_filters(world):
    scope = report_scope_for_staff(world.registrar_a)
    world.b_in_a.delete()
    active_only = course_summary(scope, ReportFilters(status="active"))
    assert "Course of A" not in {row["course"] for row in active_only}
