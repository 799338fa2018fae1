"""Building a report file: the rows a scope and filters select, as CSV or XLSX chunks, and
the audit record every export leaves. `report_stream` serves small reports to the browser at
once; larger ones go to `exports` and are written in the background.
"""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from .. import selectors
from ..access import ReportScope
from ..errors import ReportError
from ..filters import ReportFilters
from ..formats import csv_chunks, enrollment_csv_chunks, queryset_rows, xlsx_write
from ..models import ReportFormat, ReportKind
from ..rows import EXPORT_COLUMNS, TEXT_COLUMNS, header

CONTENT_TYPES = {
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_kind_and_format(kind: str, fmt: str) -> tuple[str, str]:
    if kind not in ReportKind.values:
        raise ReportError("bad_kind", _("Unknown report: choose enrollments or a summary."))
    if fmt not in ReportFormat.values:
        raise ReportError("bad_format", _("Unknown format: choose csv or xlsx."))
    return kind, fmt


def report_row_count(scope: ReportScope, filters: ReportFilters, kind: str) -> int | None:
    """Rows an enrollment report will have (one COUNT query); None for summaries (small)."""
    if kind != ReportKind.ENROLLMENTS:
        return None
    return selectors.enrollments_for_report(scope, filters).count()


def report_preview_count(scope: ReportScope, filters: ReportFilters, kind: str) -> int:
    """The rows the export of `kind` with these scope and filters will have, for the preview:
    the count the export itself uses (enrollments), or the summary it will write."""
    count = report_row_count(scope, filters, kind)
    if count is None:
        count = len(_summary(scope, filters, kind)[1])
    return count


def _summary(scope, filters, kind) -> tuple[list[str], list[list]]:
    if kind == ReportKind.COURSE_SUMMARY:
        columns, rows = selectors.COURSE_SUMMARY_COLUMNS, selectors.course_summary(scope, filters)
    else:
        columns, rows = selectors.PROGRAM_SUMMARY_COLUMNS, selectors.program_summary(scope, filters)
    return header(columns), [[row[c.key] for c in columns] for row in rows]


# The enrollment columns the database formats as text but a spreadsheet should hold as
# datetimes and numbers (names, codes and student numbers stay text).
TYPED_ENROLLMENT_COLUMNS = frozenset(
    index for index, column in enumerate(EXPORT_COLUMNS) if column.key not in TEXT_COLUMNS
)


def _xlsx_chunks(sheets, progress, typed=frozenset()) -> Iterator[bytes]:
    # An XLSX file is a zip archive, which cannot be streamed: spool it, then relay it.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        xlsx_write(spool, sheets, progress=progress, typed=typed)
        spool.seek(0)
        while chunk := spool.read(256 * 1024):
            yield chunk


def _summary_chunks(kind, fmt, head, rows, *, bom, progress=None) -> Iterator[bytes]:
    if fmt == ReportFormat.CSV:
        return csv_chunks(head, rows, bom=bom, neutralize=True, progress=progress)
    return _xlsx_chunks([(str(ReportKind(kind).label), head, rows)], progress)


def report_chunks(
    scope: ReportScope, filters: ReportFilters, kind: str, fmt: str, *, bom: bool, progress=None
) -> Iterator[bytes]:
    """The report file as byte chunks; CSV streams row by row from the database."""
    if kind != ReportKind.ENROLLMENTS:
        head, rows = _summary(scope, filters, kind)
        return _summary_chunks(kind, fmt, head, rows, bom=bom, progress=progress)
    rows = selectors.enrollment_report_rows(scope, filters, spreadsheet=True)
    head = header(EXPORT_COLUMNS)
    if fmt == ReportFormat.CSV:
        return enrollment_csv_chunks(head, rows, bom=bom, progress=progress)
    sheets = [(str(ReportKind(kind).label), head, queryset_rows(rows))]
    return _xlsx_chunks(sheets, progress, TYPED_ENROLLMENT_COLUMNS)


def report_filename(scope: ReportScope, kind: str, fmt: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return f"{scope.university.code}-{kind}-{stamp}.{fmt}"


def report_audit(
    *,
    actor,
    scope: ReportScope,
    kind: str,
    fmt: str,
    filters: ReportFilters,
    rows,
    channel: str,
    extra: dict | None = None,
):
    """The audit record every export leaves: who, which scope, which filters, how many rows."""
    return audit_record(
        actor=actor,
        action="report.exported",
        university=scope.university,
        summary=f"{kind} {fmt} via {channel}: {rows} rows",
        details={
            "scope": scope.describe(),
            "kind": kind,
            "format": fmt,
            "filters": filters.as_json(),
            "rows": rows,
            "channel": channel,
            **(extra or {}),
        },
    )


@dataclass
class StreamedReport:
    filename: str
    content_type: str
    chunks: Iterator[bytes]
    rows: int


def report_stream(
    *, actor, scope: ReportScope, filters: ReportFilters, kind: str, fmt: str, bom: bool = False
) -> StreamedReport:
    """A report small enough to stream to the browser now; audited before the first byte."""
    kind, fmt = report_kind_and_format(kind, fmt)
    if kind == ReportKind.ENROLLMENTS:
        count = report_row_count(scope, filters, kind)
        if count > settings.REPORTS_STREAM_MAX_ROWS:
            raise ReportError("too_large", _("This report is large; it will be prepared for you."))
        chunks = report_chunks(scope, filters, kind, fmt, bom=bom)
    else:
        # Summaries are a few rows computed up front (a fixed handful of queries).
        head, rows = _summary(scope, filters, kind)
        count = len(rows)
        chunks = _summary_chunks(kind, fmt, head, rows, bom=bom)
    report_audit(
        actor=actor, scope=scope, kind=kind, fmt=fmt, filters=filters, rows=count, channel="web"
    )
    return StreamedReport(report_filename(scope, kind, fmt), CONTENT_TYPES[fmt], chunks, count)
