"""Property-based tests: no bulk-enrollment CSV, however malformed, crashes the import.

`enrollment_csv.parse` either returns rows and per-line errors or raises `FileRejected`, never
another exception. Through the view, the answer is never a 5xx, a refused file writes nothing,
and the message comes in the page's language.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import User
from audit.models import AuditEvent
from learning.models import Enrollment
from teaching import enrollment_csv as ec
from universities.models import Membership

FUZZ = settings(max_examples=50, deadline=None)

HEADERS = [
    "email,student_number",
    "EMAIL;Student_Number",
    "email\tstudent_number",
    "student_number,email,extra",
    "email,email,student_number",
    "e-mail,number",
    '"email","student_number"',
    "",
]
CELLS = st.one_of(
    st.emails().map(str),
    st.sampled_from(
        [
            "",
            " ",
            "=cmd()|' /C calc'!A0",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx@example.org",
            "S1",
            "S-1/2.3_4",
            "S" * 65,
            "not-an-email",
            "a@b",
            "x@" + "b" * 300 + ".org",
            "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org",
            "ÄÖ@пример.рф",
            '"quoted,comma"@example.org',
            'unterminated"quote',
            "\x00",
            "x" * 200_000,
        ]
    ),
    st.text(max_size=30),
)
DELIMITERS = st.sampled_from([",", ";", "\t", "|", " "])
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1251", "latin-1"])


@st.composite
def csv_files(draw) -> bytes:
    """Files that look like CSV: a header, rows of hostile cells, an encoding, maybe damage."""
    delimiter, newline = draw(DELIMITERS), draw(NEWLINES)
    header = draw(st.one_of(st.sampled_from(HEADERS), st.text(max_size=30)))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=4), max_size=6))
    if rows and draw(st.booleans()):
        rows.append(list(rows[0]))  # a duplicate line
    lines = [header.replace(",", delimiter)] + [delimiter.join(cells) for cells in rows]
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    encoding = draw(ENCODINGS)
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data += draw(st.binary(max_size=20))  # mixed encodings, stray bytes
    return data


def _assert_parsed_or_rejected(data: bytes) -> None:
    try:
        parsed = ec.parse(data)
    except ec.FileRejected as rejected:
        assert str(rejected)
        return
    assert parsed.rows or parsed.errors
    for row in parsed.rows:
        assert row.email == row.email.lower() and "@" in row.email
        assert len(row.email) <= ec.EMAIL_MAX
        assert 0 < len(row.student_number) <= ec.STUDENT_NUMBER_MAX
        assert not ec.looks_like_formula(row.email)
    for line, reason in parsed.errors:
        assert line >= 0 and reason
    assert len({row.email for row in parsed.rows}) == len(parsed.rows)


# --- the parser ---------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=500))
def test_arbitrary_bytes_parse_or_are_rejected(data):
    _assert_parsed_or_rejected(data)


@FUZZ
@given(text=st.text(max_size=300))
def test_arbitrary_text_parses_or_is_rejected(text):
    _assert_parsed_or_rejected(text.encode("utf-8"))
    _assert_parsed_or_rejected(("email,student_number\n" + text).encode("utf-8-sig"))


@FUZZ
@given(data=csv_files())
def test_hostile_csv_files_parse_or_are_rejected(data):
    _assert_parsed_or_rejected(data)


def test_bare_carriage_returns_do_not_lift_the_row_limit():
    """Regression: the row limit counted only `\\n`, so a `\\r`-separated file had none."""
    data = ("email,student_number\r" + "".join(f"u{i}@x.org,S{i}\r" for i in range(6000))).encode()
    with pytest.raises(ec.FileRejected, match="more than 5000 rows"):
        ec.parse(data)


def test_email_longer_than_the_account_field_is_a_line_error():
    """Regression: `validate_email` accepts 320 characters, `User.email` holds 254, so a
    long address reached the database (an error there on PostgreSQL)."""
    email = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org"
    parsed = ec.parse(f"email,student_number\n{email},S1\n".encode())
    assert parsed.rows == []
    assert parsed.errors == [(2, f"“{email[:100]}” is not a valid email address.")]


def test_utf16_file_with_nul_is_refused_like_utf8():
    data = "email,student_number\nu@x.org,S\x001\n".encode("utf-16")
    with pytest.raises(ec.FileRejected, match="binary data"):
        ec.parse(data)


# --- through the view ---------------------------------------------------------------------


def _state():
    return (
        User.objects.count(),
        Membership.objects.count(),
        Enrollment.objects.count(),
        AuditEvent.objects.filter(action="enrollment.bulk_created").count(),
    )


def _upload(client, run, data: bytes, *, language="en"):
    url = reverse("teaching:bulk_enrollment", args=[run.pk])
    if language != "en":
        url = url.replace("/en/", f"/{language}/", 1)
    return client.post(url, {"file": SimpleUploadedFile("students.csv", data)})


@pytest.mark.django_db
@settings(max_examples=30, deadline=None)
@given(data=st.one_of(csv_files(), st.binary(max_size=300)))
def test_view_never_answers_5xx_and_refusals_write_nothing(client, world, data):
    client.force_login(world.registrar_a)
    before = _state()
    response = _upload(client, world.run_a, data)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert _state() == before
        assert response.context["errors"] or response.context["form"].errors
    else:
        assert response.context["result"] is not None
        # Undo the import so every example starts from the same database.
        Enrollment.objects.filter(run=world.run_a).delete()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "russian"),
    [
        (b"", "файл пуст"),  # Django's own form error, from its Russian catalogue
        (b" \n\n", "Файл пуст"),
        ("email,student_number\nаня@пример.рф,S1\n".encode("cp1251"), "в кодировке UTF-8"),
        (b"name,number\nx@example.org,1\n", "отсутствуют"),
        (b"email,student_number\n=1+1,S1\n", "формул"),
    ],
)
def test_refusals_are_explained_in_russian(client, world, data, russian):
    client.force_login(world.registrar_a)
    before = _state()
    response = _upload(client, world.run_a, data, language="ru")
    assert response.status_code == 400
    reasons = [str(reason) for _line, reason in response.context["errors"]]
    reasons += [str(error) for error in response.context["form"].errors.get("file", [])]
    assert any(russian in reason for reason in reasons), reasons
    assert russian in response.content.decode()
    assert _state() == before


@pytest.mark.django_db
def test_view_refuses_a_too_long_email_without_writing(client, world):
    client.force_login(world.registrar_a)
    email = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org"
    before = _state()
    response = _upload(client, world.run_a, f"email,student_number\n{email},S1\n".encode())
    assert response.status_code == 400
    assert response.context["errors"][0][0] == 2
    assert _state() == before
