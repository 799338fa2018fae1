"""Property tests: any query string to the reports API gets 200, 400 or 422, never a 500,
and no id outside the token's scope reveals anything. Data is made once per test."""

from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from hypothesis import given, settings
from hypothesis import strategies as st

from learning import services as learning
from reports import services
from tests import factories as f

BASE = "/api/v1"
ENDPOINTS = ("/enrollments", "/summary/courses", "/summary/programs")
PARAMS = (
    "cursor",
    "limit",
    "term",
    "course",
    "program",
    "status",
    "enrolled_from",
    "enrolled_to",
    "sort",
    "university",
    "format",
)
SECRETS = (
    "Secret B Student",
    "B-SECRET",
    "secret.b@example.org",
    "Secret D Learner",
    "Course of D",
)
FUZZ = settings(max_examples=40, deadline=None)

awkward_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("0123456789²³٣-+eE.,/ &=?#%\x00\t\n\u202e"),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=30,
)
values = st.one_of(
    awkward_text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["²", "9" * 40, "0", "-1", "5000", "5001", "2026-02-30", "active", "NaN"]),
)
queries = st.lists(st.tuples(st.sampled_from(PARAMS) | st.text(max_size=8), values), max_size=8)


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token_a(world):
    registrar = f.make_member("registrar", world.a)
    _token, raw = services.api_token_create(
        university=world.a, name="SIS fuzz", created_by=registrar
    )
    return raw


@pytest.fixture
def course_d(world):
    """A course no one from A teaches or takes: wholly outside A's scope."""
    d = f.UniversityFactory(code="und", name="University D", country="KG")
    course = f.build_course(d, title="Course of D", modules=1, quiz_in_last_lesson=False)
    learner = f.make_member("learner", d, student_number="D-1", full_name="Secret D Learner")
    learning.enrollment_create(learner=learner, run=f.open_run(course, term="Spring 2026"))
    return course


def _body(response) -> str:
    return response.content.decode("utf-8", "replace")


@FUZZ
@given(endpoint=st.sampled_from(ENDPOINTS), query=queries)
def test_arbitrary_query_strings_never_answer_500(
    world, client, token_a, course_d, endpoint, query
):
    cache.clear()  # the rate limit is not under test
    response = client.get(f"{BASE}{endpoint}?{urlencode(query)}", **bearer(token_a))
    assert response.status_code in (200, 400, 422), (response.status_code, _body(response))
    body = _body(response)
    if response.status_code != 200:
        assert "detail" in response.json()
    for secret in SECRETS:
        assert secret not in body


@FUZZ
@given(raw_query=st.text(max_size=60))
def test_raw_undecoded_query_strings_never_answer_500(world, client, token_a, raw_query):
    cache.clear()
    response = client.get(f"{BASE}/enrollments?{quote(raw_query, safe='&=%+')}", **bearer(token_a))
    assert response.status_code in (200, 400, 422)
    for secret in SECRETS:
        assert secret not in _body(response)


@FUZZ
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    key=st.sampled_from(["course", "program"]),
    offset=st.integers(min_value=-3, max_value=3),
)
def test_out_of_scope_ids_reveal_nothing(world, client, token_a, course_d, endpoint, key, offset):
    cache.clear()
    # D's course, pages next to it, and ids that exist but are not courses or programs.
    page_id = course_d.pk + offset
    response = client.get(f"{BASE}{endpoint}?{key}={page_id}", **bearer(token_a))
    assert response.status_code in (200, 400)
    body = _body(response)
    for secret in SECRETS:
        assert secret not in body
    if response.status_code == 400:
        assert "outside your reports" in response.json()["detail"]


@FUZZ
@given(header=st.text(max_size=60).map(lambda t: t.replace("\n", "").replace("\r", "")))
def test_arbitrary_authorization_headers_are_401(world, client, header):
    cache.clear()
    response = client.get(f"{BASE}/enrollments", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


@pytest.mark.parametrize("key", ["limit", "cursor"])
@pytest.mark.parametrize("value", ["²", "¹²", "٣"])
def test_non_ascii_digits_in_paging_are_400(world, client, token_a, key, value):
    # "²".isdigit() is true, yet int("²") fails: this was a 500.
    response = client.get(f"{BASE}/enrollments", {key: value}, **bearer(token_a))
    assert response.status_code == 400
    assert "whole number" in response.json()["detail"]


def test_non_ascii_digit_course_is_400(world, client, token_a):
    response = client.get(f"{BASE}/enrollments", {"course": "²"}, **bearer(token_a))
    assert response.status_code == 400
    assert "outside your reports" in response.json()["detail"]


def test_out_of_scope_course_is_refused_like_an_unknown_one(world, client, token_a, course_d):
    foreign = client.get(f"{BASE}/enrollments", {"course": course_d.pk}, **bearer(token_a))
    unknown = client.get(f"{BASE}/enrollments", {"course": 10**11}, **bearer(token_a))
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json() == unknown.json()
