"""The enrollment export's query plan (ADR 0047): the scope through the home-membership join
and formula guards only where a cell can start with a formula character, with the same rows
and the same bytes as the query it replaced, on SQLite (Python CSV) and on PostgreSQL (COPY).
"""

import csv
import io

import pytest
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from courses.models import CoursePage
from learning import services as learning
from learning.models import Enrollment
from reports import services
from reports.access import ReportScope
from reports.filters import ReportFilters
from reports.formats import enrollment_csv_chunks
from reports.rows import (
    EXPORT_COLUMNS,
    FORMULA_TRIGGERS,
    TEXT_COLUMNS,
    SpreadsheetSafe,
    enrollment_rows,
    header,
    neutralize_cell,
)
from reports.selectors import enrollment_report_rows, enrollments_for_report
from tests import factories as f
from universities.models import University

from .conftest import HOSTILE_NAME

HOSTILE_TEXT = [
    HOSTILE_NAME,
    "+1",
    "-2",
    "@x",
    "\t=tab",
    "\r=cr",
    "=cmd|' /C calc'!A0",
    "'already quoted",
    "Ғафуров 张伟 ٱلْعَرَبِيَّة",
    "1+1",
    "",
]


class GenericSpreadsheetSafe(SpreadsheetSafe):
    """The guard as every text cell had it before ADR 0047, on every database."""

    as_postgresql = SpreadsheetSafe.as_sql


def legacy_export_rows(scope: ReportScope, filters: ReportFilters):
    """The enrollment export's query before ADR 0047: the scope as an OR of two IN-subqueries
    (`ReportScope.enrollments`) and the generic guard around every text column."""
    raw = enrollment_rows(
        enrollments_for_report(scope, filters),
        university_id=scope.university_id,
        spreadsheet=True,
        escape=False,
        sort=filters.sort,
    )
    text = [c.key for c in EXPORT_COLUMNS if c.key in TEXT_COLUMNS]
    guarded = raw.annotate(**{f"g_{key}": GenericSpreadsheetSafe(F(f"c_{key}")) for key in text})
    fields = []
    for column in EXPORT_COLUMNS:
        if column.key in TEXT_COLUMNS:
            fields.append(f"g_{column.key}")
        elif column.key == "learner_id":
            fields.append("learner_id")
        elif column.key in ("status", "lessons_completed", "lessons_total", "quiz_average"):
            fields.append(column.key)
        else:
            fields.append(f"c_{column.key}")
    return guarded.values_list(*fields)


@pytest.fixture
def hostile_world(world):
    """The isolation world, with formula-like and Unicode text in every text column a
    registrar's export shows: names, emails, student numbers, course and university names,
    a country code no one knows, translations."""
    University.objects.filter(pk=world.a.pk).update(
        name="+A University", name_translations={"ru": "=Университет А", "en": ""}
    )
    University.objects.filter(pk=world.c.pk).update(country="=Z", name="\tC")
    CoursePage.objects.filter(pk=world.course_b.pk).update(title="-2 Course of B")
    CoursePage.objects.filter(pk=world.course_a.pk).update(title="@Course of A")
    for index, text in enumerate(HOSTILE_TEXT):
        home = (world.a, world.b, world.c)[index % 3]
        learner = f.make_member(
            "learner",
            home,
            student_number=text or f"S-{index}",
            full_name=text,
            email=f"{text[:2]}{index}@example.org",
        )
        run = (world.run_a, world.run_b, world.run_c)[index % 3]
        learning.enrollment_create(learner=learner, run=run)
    return world


def export_bytes(rows) -> bytes:
    return b"".join(enrollment_csv_chunks(header(EXPORT_COLUMNS), rows, bom=True))


@pytest.mark.parametrize("language", ["en", "ru", "tg"])
@pytest.mark.parametrize("university", ["a", "b", "c"])
def test_export_bytes_match_the_query_it_replaced(hostile_world, university, language):
    scope = ReportScope(university=getattr(hostile_world, university))
    filters = ReportFilters()
    with translation.override(language):
        new = export_bytes(enrollment_report_rows(scope, filters, spreadsheet=True))
        old = export_bytes(legacy_export_rows(scope, filters))
    assert new == old
    assert len(new.splitlines()) > 3  # the header and real rows, not two empty files


@pytest.mark.parametrize("sort", ["", "name", "course", "-enrolled_at"])
def test_export_bytes_match_in_every_sort_order(hostile_world, sort):
    scope = ReportScope(university=hostile_world.a)
    filters = ReportFilters(sort=sort)
    new = export_bytes(enrollment_report_rows(scope, filters, spreadsheet=True))
    assert new == export_bytes(legacy_export_rows(scope, filters))


def test_hostile_cells_are_neutralized_and_unicode_kept(hostile_world):
    scope = ReportScope(university=hostile_world.a)
    body = export_bytes(enrollment_report_rows(scope, ReportFilters(), spreadsheet=True))
    parsed = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    cells = [cell for row in parsed[1:] for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_TRIGGERS)]
    assert "'" + HOSTILE_NAME in cells
    assert "'+A University" in cells  # an empty translation falls back to the name
    assert "'-2 Course of B" in cells
    assert "Ғафуров 张伟 ٱلْعَرَبِيَّة" in cells


@pytest.mark.parametrize("value", [*HOSTILE_TEXT, "=", "\t", "Ω=1", " =1", None])
def test_database_guard_is_the_python_guard(db, value):
    """`SpreadsheetSafe` (in SQL) and `neutralize_cell` (in Python) agree on every value,
    empty text becoming no value."""
    cell = (
        University.objects.annotate(cell=SpreadsheetSafe(Value(value)))
        .values_list("cell", flat=True)
        .first()
    )
    if cell is None:  # no university row: build one so the query has something to select
        f.UniversityFactory()
        cell = University.objects.annotate(cell=SpreadsheetSafe(Value(value)))
        cell = cell.values_list("cell", flat=True).first()
    assert cell == (neutralize_cell(value) or None)


@pytest.mark.parametrize("university", ["a", "b", "c"])
def test_export_rows_are_the_scope_enrollments(hostile_world, university):
    """Each university's export holds exactly its scope's enrollments, each once."""
    scope = ReportScope(university=getattr(hostile_world, university))
    rows = enrollment_rows(
        Enrollment.objects.all(),
        university_id=scope.university_id,
        spreadsheet=False,
        in_scope=scope.home_or_course_filter("report_home"),
        with_key=True,
    )
    ids = [row[0] for row in rows]
    expected = set(scope.enrollments().values_list("pk", flat=True))
    assert (
        len(ids)
        == len(set(ids))
        == len(expected)
        == services.report_row_count(scope, ReportFilters(), "enrollments")
    )
    assert set(ids) == expected


def test_other_universities_never_appear(hostile_world):
    w = hostile_world
    a_body = export_bytes(
        enrollment_report_rows(ReportScope(university=w.a), ReportFilters(), spreadsheet=True)
    )
    assert b"B-SECRET" not in a_body and b"Secret B Student" not in a_body
    b_rows = enrollment_report_rows(ReportScope(university=w.b), ReportFilters(), spreadsheet=True)
    assert w.c_in_c.pk not in {row[0] for row in b_rows}


def export_queries(scope) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        for _chunk in services.report_chunks(
            scope, ReportFilters(), "enrollments", "csv", bom=True
        ):
            pass
    return [query["sql"] for query in captured]


def test_export_query_count_does_not_grow_with_rows(hostile_world):
    """The CSV export is a fixed number of statements (the COPY included on PostgreSQL, where
    `copy_csv_chunks` logs it), however many rows it writes."""
    scope = ReportScope(university=hostile_world.a)
    export_queries(scope)  # the first export may fill caches (translations, content types)
    small = export_queries(scope)
    for _ in range(25):
        learner = f.make_member("learner", hostile_world.a)
        learning.enrollment_create(learner=learner, run=hostile_world.run_b)
    large = export_queries(scope)
    assert len(large) == len(small) <= 3, large
    selecting_rows = [sql for sql in large if '"learning_enrollment"' in sql]
    assert len(selecting_rows) == 1
    if connection.vendor == "postgresql":
        assert selecting_rows[0].startswith("COPY (")
