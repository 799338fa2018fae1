"""Reading a bulk-enrollment CSV file (columns `email`, `student_number`).

Plain Python: it knows nothing of requests or the database. The whole file is read and
checked before anything is written; every bad line is reported with its number and reason.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .csv_safety import looks_like_formula

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
REQUIRED_COLUMNS = ("email", "student_number")
STUDENT_NUMBER_MAX = 64
# `User.email` holds 254 characters (RFC 5321); `validate_email` lets up to 320 through.
EMAIL_MAX = 254
_STUDENT_NUMBER_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./")


@dataclass(frozen=True)
class EnrollmentRow:
    line: int
    email: str
    student_number: str


@dataclass
class ParsedFile:
    rows: list[EnrollmentRow] = field(default_factory=list)
    # (line number or 0 for the whole file, reason)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class FileRejected(ValueError):
    """The file as a whole cannot be read (size, encoding, header)."""


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM) or UTF-16 with a BOM; anything else is refused with a
    message saying how to save the file, rather than guessed (a wrong guess would import
    garbled data)."""
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise FileRejected(
            _("The file is larger than %(mb)d MB. Split it into smaller files.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRejected(_("The file says it is UTF-16 but is not.")) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileRejected(
                _(
                    "The file is not in UTF-8 (it may be Windows-1251). In your spreadsheet, "
                    "save it as “CSV UTF-8” and upload it again."
                )
            ) from None
    if "\x00" in text:
        raise FileRejected(_("The file contains binary data; upload a CSV text file."))
    return text


def parse(data: bytes) -> ParsedFile:
    """Check every line of the file. Raises `FileRejected` when the file cannot be read at
    all; otherwise returns the good rows and the list of bad lines."""
    text = decode(data)
    # Lines may end in \r alone (old Mac spreadsheets), so count what the reader sees too.
    if text.count("\n") > MAX_ROWS + 1:
        raise _too_many_rows()
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise FileRejected(_("The file is empty.")) from None
    except csv.Error:
        raise FileRejected(_("The first line of the file cannot be read as CSV.")) from None
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise FileRejected(
            _("The first line must name the columns %(required)s; missing: %(missing)s.")
            % {"required": ", ".join(REQUIRED_COLUMNS), "missing": ", ".join(missing)}
        )
    email_at, number_at = columns.index("email"), columns.index("student_number")

    result = ParsedFile()
    seen_emails: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            line = reader.line_num
            result.errors.append((line, _("This line is not valid CSV (%(e)s).") % {"e": error}))
            break
        line = reader.line_num
        if line > MAX_ROWS + 1:
            raise _too_many_rows()
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            result.errors.append(
                (
                    line,
                    _("Expected %(n)d cells, found %(m)d.") % {"n": len(columns), "m": len(cells)},
                )
            )
            continue
        email = cells[email_at].strip()
        number = cells[number_at].strip()
        reason = _row_problem(email, number)
        if reason is None:
            email = email.lower()
            if email in seen_emails:
                reason = _("Duplicate: this email is already on line %(line)d.") % {
                    "line": seen_emails[email]
                }
            elif number in seen_numbers:
                reason = _("Duplicate: this student number is already on line %(line)d.") % {
                    "line": seen_numbers[number]
                }
        if reason is not None:
            result.errors.append((line, reason))
            continue
        seen_emails[email] = line
        seen_numbers[number] = line
        result.rows.append(EnrollmentRow(line=line, email=email, student_number=number))
    if not result.rows and not result.errors:
        result.errors.append((0, _("The file has a header but no students.")))
    return result


def _too_many_rows() -> FileRejected:
    return FileRejected(
        _("The file has more than %(max)d rows. Split it into smaller files.") % {"max": MAX_ROWS}
    )


def _row_problem(email: str, number: str) -> str | None:
    if looks_like_formula(email) or looks_like_formula(number):
        return _("A cell starts like a spreadsheet formula (=, +, -, @); remove it.")
    if not email:
        return _("The email is missing.")
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(email)s” is not a valid email address.") % {"email": email[:100]}
    if len(email) > EMAIL_MAX:
        return _("“%(email)s” is not a valid email address.") % {"email": email[:100]}
    if not number:
        return _("The student number is missing.")
    if len(number) > STUDENT_NUMBER_MAX or not set(number) <= _STUDENT_NUMBER_CHARS:
        return _("The student number may hold up to %(n)d letters, digits and - _ . / only.") % {
            "n": STUDENT_NUMBER_MAX
        }
    return None
