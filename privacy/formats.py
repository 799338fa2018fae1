"""The learner's data as files: one JSON document, or a zip of one CSV per section.

CSV cells that a spreadsheet would run as a formula are neutralised with the reports' guard
(`reports.rows.neutralize_cell`): a learner's own answers or names could start with `=`.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from reports.rows import neutralize_cell

FORMAT_VERSION = 1
_ENCODER = DjangoJSONEncoder()


def data_json(data: dict[str, list[dict]]) -> bytes:
    """One document: when it was made, and a list of rows per section."""
    document = {
        "format": "ilm-learner-data",
        "version": FORMAT_VERSION,
        "generated_at": timezone.now(),
        "sections": data,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    elif isinstance(value, str | int | float):
        text = str(value)
    else:
        text = str(_ENCODER.default(value))
    return neutralize_cell(text)


def section_csv(rows: list[dict]) -> str:
    """One section as CSV: a header of every column any row has, then the rows."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(_cell(row.get(column)) for column in columns)
    return out.getvalue()


def data_csv_zip(data: dict[str, list[dict]]) -> bytes:
    """A zip holding `<section>.csv` for every section, empty sections included (a header
    only), so the reader sees what kinds of data exist even where they have none."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for section, rows in data.items():
            # UTF-8 with a byte-order mark, so spreadsheet programs read Cyrillic and Chinese.
            archive.writestr(f"{section}.csv", "\ufeff" + section_csv(rows))
    return buffer.getvalue()
