"""Property tests: no filter input, however malformed, makes the reports answer 500 or leak.

The parser (`parse_report_filters`) returns filters or raises `ReportFilterError`; the
export form comes back with messages and the input kept; an export never holds a learner
outside the registrar's scope. Data is made once per test (examples share it).
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.access import ReportScope
from reports.filters import FILTER_KEYS, ReportFilterError, ReportFilters, parse_report_filters

EXPORT = "/en/reports/export/"
SECRETS = ("Secret B Student", "B-SECRET", "secret.b@example.org")
FUZZ = settings(max_examples=40, deadline=None)

# Text that tends to break parsers: digits that are not decimal ("²", "٣"), NUL and other
# control characters, right-to-left and combining marks, and ordinary ASCII.
awkward_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("0123456789²³¹٣५-–/ .,:+eE\x00\t\n\r\u202e\u0301"),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=40,
)
numberish = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "-1", "1e9", "0x10", "²", "١٢", "9" * 40, " 7 ", "7\x00", "NaN"]),
)
dateish = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.builds(
        lambda y, m, d: f"{y}-{m}-{d}",
        st.integers(-99999, 99999),
        st.integers(-1, 14),
        st.integers(-1, 40),
    ),
    st.sampled_from(["2026-02-30", "0000-01-01", "9999-12-31", "2026-1-1", "²⁰²⁶-01-01"]),
)
choiceish = st.one_of(
    st.sampled_from(
        [
            "active",
            "withdrawn",
            "completed",
            "enrollments",
            "course_summary",
            "program_summary",
            "csv",
            "xlsx",
            "json",
            "pdf",
            "",
            "ACTIVE",
        ]
    ),
    awkward_text,
)
termish = st.one_of(
    st.sampled_from(["Spring 2026", "autumn-2026", "Весна 2026", "fall 99999", "Spring ²⁰²⁶"]),
    awkward_text,
)
value_for = {
    "course": numberish,
    "program": numberish,
    "term": termish,
    "status": choiceish,
    "enrolled_from": dateish,
    "enrolled_to": dateish,
    "sort": choiceish,
    "kind": choiceish,
    "format": choiceish,
}
form_data = st.fixed_dictionaries(
    {}, optional={key: st.one_of(strategy, awkward_text) for key, strategy in value_for.items()}
)
# JSON-like values a schedule or job might carry: wrong types, huge numbers, nesting.
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=True, allow_infinity=True),
        awkward_text,
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


def _no_nul(data: dict) -> dict:
    # The test client cannot put a NUL into a multipart body; the parser tests cover NULs.
    return {key: value.replace("\x00", "") for key, value in data.items()}


@pytest.fixture
def scope_a(world):
    return ReportScope(university=world.a)


@FUZZ
@given(data=form_data)
def test_parser_returns_filters_or_its_own_error(world, scope_a, data):
    try:
        filters = parse_report_filters(data, scope=scope_a)
    except ReportFilterError as error:
        assert error.errors and all(error.errors.values())
        assert set(error.errors) <= set(FILTER_KEYS) | {"__all__"}
    else:
        assert isinstance(filters, ReportFilters)
        filters.enrollment_filter()
        filters.as_json()


@FUZZ
@given(data=st.dictionaries(st.sampled_from(FILTER_KEYS), json_values, max_size=7))
def test_parser_takes_wrong_types_without_crashing(world, scope_a, data):
    try:
        parse_report_filters(data, scope=scope_a)
    except ReportFilterError as error:
        assert error.message


@FUZZ
@given(data=form_data)
def test_export_form_keeps_the_input_and_never_leaks(world, client, data):
    client.force_login(world.registrar_a)
    data = _no_nul(data)
    response = client.post(EXPORT, data)
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 400:
        form = response.context["form"]
        assert form.errors
        for key, value in data.items():
            assert form.data.get(key) == value
        body = response.content.decode()
    elif response.status_code == 302:
        body = ""
    elif response.streaming:
        body = b"".join(response.streaming_content).decode("utf-8", "replace")
    else:
        body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body


@FUZZ
@given(data=form_data, preview=st.booleans())
def test_preview_never_errors(world, client, data, preview):
    client.force_login(world.registrar_a)
    data = _no_nul(data)
    if preview:
        data["preview"] = "1"
    response = client.post(EXPORT, data)
    assert response.status_code < 500
    if not response.streaming:
        for secret in SECRETS:
            assert secret not in response.content.decode()


@FUZZ
@given(university=st.one_of(numberish, awkward_text.map(lambda t: t.replace("\x00", ""))))
def test_dashboard_university_parameter_never_errors(world, client, university):
    client.force_login(world.registrar_a)
    response = client.get("/en/reports/", {"university": university})
    assert response.status_code in (200, 403, 404)
    assert "Secret B Student" not in response.content.decode()


def test_a_valid_export_holds_only_the_scope(world, client):
    client.force_login(world.registrar_a)
    response = client.post(EXPORT, {"kind": "enrollments", "format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "B learner in A" in body
    for secret in SECRETS:
        assert secret not in body


@pytest.mark.parametrize("value", ["²", "³", "¹²", "٣²"])
@pytest.mark.parametrize("key", ["course", "program"])
def test_superscript_digits_in_a_picker_are_refused_not_a_500(world, scope_a, key, value):
    # "²".isdigit() is true but int("²") fails: the id check must not trust isdigit.
    with pytest.raises(ReportFilterError) as caught:
        parse_report_filters({key: value}, scope=scope_a)
    assert "outside your reports" in caught.value.message


def test_superscript_course_comes_back_on_the_form_in_russian(world, client):
    client.force_login(world.registrar_a)
    response = client.post(
        "/ru/reports/export/", {"kind": "enrollments", "format": "csv", "course": "²"}
    )
    assert response.status_code == 400
    assert response.context["form"].data["course"] == "²"
    assert "Выберите курс из списка" in response.content.decode()


def test_control_characters_in_the_term_are_refused(world, scope_a):
    for value in ("Spring\x002026", "Spring 2026\x07", "\x1b[31mSpring 2026"):
        with pytest.raises(ReportFilterError) as caught:
            parse_report_filters({"term": value}, scope=scope_a)
        assert "term" in caught.value.errors
