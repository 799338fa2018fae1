"""The number of queries per report does not grow with the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning import services as learning
from reports import services
from reports.access import report_scope_for_staff
from reports.filters import ReportFilters
from tests import factories as f


def add_learners(world, n):
    for _ in range(n):
        learner = f.make_member("learner", world.a)
        learning.enrollment_create(learner=learner, run=world.run_b)


# A fixed budget per report, whatever the size: the access gate's lookups, COUNT, the rows
# (or the summaries' grouped queries and medians), and the audit insert; the enrollment export
# also reads the universities' countries once, to name them (`rows.country_name`).
BUDGET = {"enrollments": 11, "course_summary": 11, "program_summary": 10}


def queries_for(world, kind, fmt):
    scope = report_scope_for_staff(world.registrar_a)
    scope.university.code  # noqa: B018 - loaded, not counted
    with CaptureQueriesContext(connection) as captured:
        report = services.report_stream(
            actor=world.registrar_a, scope=scope, filters=ReportFilters(), kind=kind, fmt=fmt
        )
        body = b"".join(report.chunks)
    return len(captured), report.rows, body


@pytest.mark.parametrize(
    ("kind", "fmt"),
    [
        ("enrollments", "csv"),
        ("enrollments", "xlsx"),
        ("course_summary", "csv"),
        ("program_summary", "csv"),
    ],
)
def test_query_count_is_constant(world, kind, fmt, django_assert_max_num_queries):
    with django_assert_max_num_queries(BUDGET[kind]):
        small, rows_small, _ = queries_for(world, kind, fmt)
    add_learners(world, 12)
    large, rows_large, _ = queries_for(world, kind, fmt)
    if kind == "enrollments":
        assert rows_large == rows_small + 12
    assert large == small, (small, large)
    with django_assert_max_num_queries(BUDGET[kind]):
        queries_for(world, kind, fmt)


def test_api_page_query_count_is_constant(world, client, django_assert_num_queries):
    _token, raw = services.api_token_create(
        university=world.a, name="SIS", created_by=world.registrar_a
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.get("/api/v1/enrollments", **headers)  # sets last_used_at once
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/enrollments", **headers).json()["results"]) == 3
    add_learners(world, 12)
    with django_assert_num_queries(len(small)):
        assert len(client.get("/api/v1/enrollments", **headers).json()["results"]) == 15
