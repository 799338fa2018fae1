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
