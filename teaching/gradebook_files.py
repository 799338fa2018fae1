"""The gradebook as a table of typed values, and that table as CSV or XLSX.

The export is built from the same `Gradebook` the page renders, so a file holds exactly the
rows and columns on screen. `reports.formats` sits beside `teaching` in the layers and cannot
be imported; the few lines needed are here, with the same guards: CSV text cells that would
start a formula are neutralised (`csv_safety`), XLSX cells keep their types (numbers, dates,
booleans) and text cells are neutralised and cleared of characters openpyxl refuses.
"""

import csv
import io
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell

from .csv_safety import spreadsheet_safe
from .learners import Gradebook


def gradebook_table(book: Gradebook) -> tuple[list[str], list[list]]:
    """Header and rows of typed values (str, int, Decimal, bool, naive local datetime, None)."""
    header = [
        _("Name"),
        _("Email"),
        _("Student number"),
        _("Home university"),
        _("Status"),
        _("Progress %"),
        _("Last activity"),
        _("Inactive"),
    ]
    for item in book.items:
        header += [
            _("%(item)s: score %%") % {"item": item.label},
            _("%(item)s: attempts") % {"item": item.label},
            _("%(item)s: completed") % {"item": item.label},
        ]
    header += [_("Lessons added since completion"), _("Final score %"), _("Certificate")]
    rows = []
    for row in book.rows:
        e = row.enrollment
        cells = [
            e.learner.full_name,
            e.learner.email,
            e.student_number or "",
            str(e.home_university or ""),
            e.get_status_display(),
            e.progress_percent,
            _local(e.last_activity_at),
            e.is_inactive,
        ]
        for result in row.cells:
            cells += [
                result.score if result else None,
                result.attempts if result else 0,
                bool(result and result.completed),
            ]
        cells += [e.lessons_new_since_completion, e.final_score, row.certificate_label]
        rows.append(cells)
    return header, rows


def _local(value: datetime | None) -> datetime | None:
    # Spreadsheets have no time zones: the time as the page shows it, in the site's zone.
    return None if value is None else timezone.localtime(value).replace(tzinfo=None)


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return str(value)


def table_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so spreadsheets read names right), RFC 4180 lines."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        writer.writerow([_csv_text(cell) for cell in row])
    return buffer.getvalue().encode()


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        value = spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def table_xlsx(header: list[str], rows: list[list], *, title: str) -> bytes:
    """An XLSX workbook of one sheet, written in openpyxl's write-only mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "Sheet")
    sheet.append([_xlsx_cell(sheet, cell) for cell in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
