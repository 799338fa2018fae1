"""The bad-CSV corpus against the parser (plain Python, no database)."""

import pytest

from teaching import enrollment_csv as ec

GOOD = "email,student_number\nalice@example.org,S1\nbob@example.org,S2\n"


def test_good_file_in_every_accepted_encoding():
    for data in (
        GOOD.encode("utf-8"),
        GOOD.encode("utf-8-sig"),
        GOOD.encode("utf-16"),  # with BOM
        GOOD.replace(",", ";").encode("utf-8"),  # spreadsheet in a Russian locale
        GOOD.replace("\n", "\r\n").encode("utf-8"),
    ):
        parsed = ec.parse(data)
        assert parsed.ok, parsed.errors
        assert [(r.line, r.email, r.student_number) for r in parsed.rows] == [
            (2, "alice@example.org", "S1"),
            (3, "bob@example.org", "S2"),
        ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        ("email,student_number\nаня@пример.рф,S1\n".encode("cp1251"), "UTF-8"),
        (b"\xff\xfe\x00\xd8", "UTF-16"),
        (b"name,number\nx@example.org,1\n", "missing: email, student_number"),
        (b"email,student_number\x00\x00\n", "binary"),
        (("email,student_number\n" + "a@b.org,1\n" * 100_000).encode(), "more than 5000"),
        (b"x" * (ec.MAX_BYTES + 1), "larger than"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(ec.FileRejected) as refused:
        ec.parse(data)
    assert message in str(refused.value)


def test_every_bad_line_is_reported_with_its_number():
    data = (
        b"email,student_number\n"
        b"ok@example.org,S1\n"  # 2
        b"=cmd()|' /C calc'!A0,S2\n"  # 3 formula
        b"bob@example.org,@SUM(A1)\n"  # 4 formula
        b"not-an-email,S3\n"  # 5
        b"ok@example.org,S4\n"  # 6 duplicate email
        b"carol@example.org,S1\n"  # 7 duplicate number
        b"dave@example.org\n"  # 8 missing cell
        b"erin@example.org,\n"  # 9 empty number
        b"\n"  # blank lines are skipped
        b"frank@example.org,S 5\n"  # 11 bad characters
        b"OK@EXAMPLE.ORG,S9\n"  # 12 duplicate regardless of case
    )
    parsed = ec.parse(data)
    assert not parsed.ok
    assert [line for line, _reason in parsed.errors] == [3, 4, 5, 6, 7, 8, 9, 11, 12]
    reasons = dict(parsed.errors)
    assert "formula" in reasons[3] and "formula" in reasons[4]
    assert "line 2" in reasons[6] and "line 2" in reasons[7]
    assert [row.line for row in parsed.rows] == [2]


def test_header_without_rows_is_an_error():
    parsed = ec.parse(b"email,student_number\n")
    assert not parsed.ok
    assert parsed.errors[0][0] == 0
