"""Formula neutralization and writers, on hostile cells, without the database."""

import csv
import io

import pytest
from openpyxl import load_workbook

from reports.formats import csv_chunks, xlsx_write
from reports.rows import neutralize_cell

HOSTILE = [
    "=1+1",
    "+SUM(A1)",
    "-2+3",
    "@cmd",
    "\t=evil",
    "\r=evil",
    '=HYPERLINK("http://x")',
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralize_prefixes_formula_triggers(value):
    assert neutralize_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Alice", "", "1+1", "O'Neil", "Ғафуров", "张伟", 5, None])
def test_neutralize_leaves_ordinary_cells(value):
    assert neutralize_cell(value) == value


def test_csv_neutralizes_and_keeps_unicode():
    rows = [[v, "Ғафуров 张伟"] for v in HOSTILE]
    body = b"".join(csv_chunks(["a", "b"], rows, bom=True, neutralize=True))
    assert body.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row[0] for row in parsed[1:]] == ["'" + v for v in HOSTILE]
    assert parsed[1][1] == "Ғафуров 张伟"


def test_csv_chunks_stay_small_for_many_rows():
    chunks = list(csv_chunks(["n"], ([i] for i in range(50_000))))
    assert len(chunks) > 3 and max(len(c) for c in chunks) < 128 * 1024


def test_xlsx_neutralizes_and_survives_control_characters():
    target = io.BytesIO()
    rows = [[v] for v in [*HOSTILE, "bell\x07name", "\x01=sneaky"]]
    assert xlsx_write(target, [("Sheet", ["cell"], rows)]) == len(rows)
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells[: len(HOSTILE)] == ["'" + v for v in HOSTILE]
    assert cells[-2:] == ["bellname", "'=sneaky"]
    for row in sheet.iter_rows():
        assert all(cell.data_type != "f" for cell in row)


def test_xlsx_typed_columns_hold_datetimes_and_numbers_and_text_stays_text():
    from datetime import datetime
    from decimal import Decimal

    target = io.BytesIO()
    rows = [["00123", "2026-03-01T09:30:00Z", "5.0", 7, "'=x"], ["S9", None, "12.5", 0, ""]]
    xlsx_write(
        target,
        [("Sheet", ["Number", "At", "Credits", "Lessons", "Name"], rows)],
        typed=frozenset({1, 2, 3}),
    )
    workbook = load_workbook(io.BytesIO(target.getvalue()))
    sheet = workbook.active
    first = [c.value for c in sheet[2]]
    assert first[0] == "00123"  # a text column is never turned into a number
    assert first[1] == datetime(2026, 3, 1, 9, 30)
    assert sheet["B2"].is_date and sheet["B2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert first[2] == 5 and sheet["C2"].data_type == "n"
    assert sheet["C3"].value == float(Decimal("12.5"))
    assert first[3] == 7 and first[4] == "'=x"
    # Frozen header with a filter over every column and row; widths fit the longest cell.
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    assert sheet.column_dimensions["B"].width >= 19
    assert sheet.column_dimensions["A"].width >= len("Number")


def test_xlsx_rows_past_the_sheet_limit_spill_onto_further_sheets(monkeypatch):
    from reports import formats

    monkeypatch.setattr(formats, "XLSX_MAX_ROWS", 3)
    target = io.BytesIO()
    rows = ([i] for i in range(8))
    assert xlsx_write(target, [("Enrollments", ["n"], rows)]) == 8
    workbook = load_workbook(io.BytesIO(target.getvalue()))
    assert workbook.sheetnames == ["Enrollments", "Enrollments (2)", "Enrollments (3)"]
    parts = [[r[0] for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets]
    assert parts == [["n", 0, 1, 2], ["n", 3, 4, 5], ["n", 6, 7]]
    assert [ws.freeze_panes for ws in workbook.worksheets] == ["A2"] * 3
    assert workbook.worksheets[2].auto_filter.ref == "A1:A3"
