"""Writing report rows as CSV and XLSX, in constant memory.

CSV comes out as an iterator of byte chunks, ready for a StreamingHttpResponse or a file.
On PostgreSQL the enrollment CSV is produced by `COPY (<the ORM's own query>) TO STDOUT`:
the database formats the rows and Python only relays bytes, which is several times faster
than converting each row in Python (see STACK-NOTES: ~810k vs ~100-150k rows/s). The query,
the columns and the neutralization are the same on both paths (`reports.rows`).
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.db import connections
from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.utils import get_column_letter

from .rows import neutralize_cell

BOM = "\ufeff".encode()
CHUNK_BYTES = 64 * 1024
ITER_CHUNK_ROWS = 2000
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header row

ProgressCallback = Callable[[int], None]


def _csv_line_writer():
    buffer = io.StringIO()
    # RFC 4180 line ends. (With "\n" Python's writer would leave a lone "\r" in a field
    # unquoted and break the file; COPY writes "\n" but quotes both, so either file parses.)
    return buffer, csv.writer(buffer, lineterminator="\r\n")


def csv_chunks(
    header: list[str],
    rows: Iterable,
    *,
    bom: bool = False,
    neutralize: bool = False,
    progress: ProgressCallback | None = None,
) -> Iterator[bytes]:
    """CSV bytes for `header` and `rows`, in chunks of about 64 KB.

    `neutralize` applies the formula guard in Python, for rows (summaries) whose text was not
    already neutralized by the database.
    """
    buffer, writer = _csv_line_writer()
    if bom:
        buffer.write(BOM.decode())
    writer.writerow(header)
    done = 0
    for row in rows:
        writer.writerow([neutralize_cell(v) for v in row] if neutralize else row)
        done += 1
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            if progress:
                progress(done)
    yield buffer.getvalue().encode()
    if progress:
        progress(done)


def queryset_rows(rows: QuerySet) -> Iterator[tuple]:
    """Stream a values_list queryset without caching it (server-side cursor on PostgreSQL)."""
    return rows.iterator(chunk_size=ITER_CHUNK_ROWS)


def can_copy(rows: QuerySet) -> bool:
    return connections[rows.db].vendor == "postgresql"


def copy_csv_chunks(
    header: list[str],
    rows: QuerySet,
    *,
    bom: bool = False,
    progress: ProgressCallback | None = None,
) -> Iterator[bytes]:
    """CSV bytes for a values_list queryset via PostgreSQL COPY (same output as `csv_chunks`).

    The ORM compiles the query and its parameters; psycopg merges them client-side, as COPY
    does not take bind parameters.
    """
    connection = connections[rows.db]
    sql, params = rows.query.sql_with_params()
    head = io.StringIO()
    if bom:
        head.write(BOM.decode())
    csv.writer(head, lineterminator="\n").writerow(header)
    yield head.getvalue().encode()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's ClientCursor (Django's default on PostgreSQL)
        statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
        # One bytearray, extended in place: COPY hands over one row per message, so the
        # per-row work here is what the relay costs (ADR 0047).
        pending = bytearray()
        done = 0
        if connection.queries_logged:
            # Django's query log never sees psycopg's COPY; record it as Django records a
            # query, so that query budgets (tests, the benchmark, the debug toolbar) count it.
            connection.queries_log.append({"sql": raw.mogrify(statement, params), "time": "0"})
        with raw.copy(statement, params) as copy:
            for data in copy:
                pending += data
                done += 1
                if len(pending) >= CHUNK_BYTES:
                    yield bytes(pending)
                    pending.clear()
                    if progress:
                        progress(done)
        yield bytes(pending)
        if progress:
            progress(done)


def enrollment_csv_chunks(
    header: list[str], rows: QuerySet, *, bom: bool = False, progress=None
) -> Iterator[bytes]:
    """The enrollment report as CSV: COPY on PostgreSQL, the ORM iterator elsewhere."""
    if can_copy(rows):
        return copy_csv_chunks(header, rows, bom=bom, progress=progress)
    return csv_chunks(header, queryset_rows(rows), bom=bom, progress=progress)


def _xlsx_cell(value, neutralize: bool):
    if isinstance(value, str):
        # openpyxl refuses control characters; a hostile name must not break the export.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if neutralize:
            value = neutralize_cell(value)
    return value


def typed_cell(value):
    """A cell the database formatted as text (ISO timestamps "…Z", one-decimal numbers) as the
    value a spreadsheet can sort and sum: a naive UTC datetime (Excel has no time zones), a
    date, a Decimal. Anything else (names, neutralized text) is left as it is."""
    if not isinstance(value, str) or not value or value[0] == "'":
        return value
    if len(value) == 20 and value.endswith("Z") and value[10] == "T":
        try:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return value
    if len(value) == 10 and value[4] == value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if value.replace(".", "", 1).lstrip("-").isdigit():
        return Decimal(value)
    return value


def _number_format(value) -> str | None:
    if isinstance(value, datetime):
        return "yyyy-mm-dd hh:mm:ss"
    if isinstance(value, date):
        return "yyyy-mm-dd"
    return None


def _width(value) -> int:
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    return len(str(value)) if value is not None else 0


class _SheetWriter:
    """One write-only sheet with a frozen, filtered header; column widths from the header and
    the first rows (openpyxl writes column widths before the rows, so they cannot wait for the
    last row)."""

    SAMPLE_ROWS = 200

    def __init__(self, workbook, title: str, head: list[str]):
        self.workbook, self.title, self.head = workbook, title, head
        self.pending: list[list] = []
        self.sheet = None
        self.rows = 0

    def _open(self):
        sheet = self.workbook.create_sheet(title=self.title[:31])
        widths = [len(str(h)) for h in self.head]
        for row in self.pending:
            for index, value in enumerate(row[: len(widths)]):
                widths[index] = max(widths[index], _width(value))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 6) + 2, 60)
        sheet.freeze_panes = "A2"
        sheet.append(self.head)
        self.sheet = sheet
        for row in self.pending:
            self._write(row)
        self.pending = []

    def _write(self, row: list):
        cells = []
        for value in row:
            number_format = _number_format(value)
            if number_format:
                cell = WriteOnlyCell(self.sheet, value=value)
                cell.number_format = number_format
                value = cell
            cells.append(value)
        self.sheet.append(cells)

    def append(self, row: list):
        self.rows += 1
        if self.sheet is None:
            self.pending.append(row)
            if len(self.pending) >= self.SAMPLE_ROWS:
                self._open()
        else:
            self._write(row)

    def close(self):
        if self.sheet is None:
            self._open()
        last = get_column_letter(max(len(self.head), 1))
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"


def xlsx_write(
    target,
    sheets: list[tuple[str, list[str], Iterable]],
    *,
    neutralize: bool = True,
    typed: frozenset[int] = frozenset(),
    progress: ProgressCallback | None = None,
) -> int:
    """Write (title, header, rows) sheets to `target` (a path or binary file) with openpyxl in
    write-only mode; returns the number of data rows written. Cells of the `typed` column
    indexes are typed (`typed_cell`; text columns stay text: "00123" is a student number),
    each sheet's header is frozen with an autofilter, and rows past Excel's limit of one sheet
    go on to further sheets "Title (2)", "Title (3)", … each with the header again."""
    workbook = Workbook(write_only=True)
    total = 0
    for title, head, rows in sheets:
        part = 1
        writer = _SheetWriter(workbook, title, head)
        for row in rows:
            if writer.rows >= XLSX_MAX_ROWS:
                writer.close()
                part += 1
                suffix = f" ({part})"
                writer = _SheetWriter(workbook, title[: 31 - len(suffix)] + suffix, head)
            # Text from the database is already neutralized; the guard is idempotent for
            # text that starts with an apostrophe, so applying it again is harmless.
            cells = [_xlsx_cell(v, neutralize) for v in row]
            if typed:
                cells = [typed_cell(v) if i in typed else v for i, v in enumerate(cells)]
            writer.append(cells)
            total += 1
            if progress and total % ITER_CHUNK_ROWS == 0:
                progress(total)
        writer.close()
    workbook.save(target)
    if progress:
        progress(total)
    return total
