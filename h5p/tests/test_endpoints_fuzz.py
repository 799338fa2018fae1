"""Hostile input to the player's two endpoints never makes a 500: property-based tests.

The statements endpoint (the lesson page forwards each player statement with the learner's
session) gets statements broken in one place, arbitrary JSON and raw bytes; the
content-user-data endpoint (H5P's saved state, addressed by a signed grant) gets arbitrary
addresses, form fields and bodies. Every answer is below 500, a refusal is JSON that says
why, and a refusal writes nothing.
"""

import json
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

from h5p.models import H5PUserData
from h5p.tests.test_services import answered
from h5p.tests.test_views import grant, statements_url, user_data_url
from xapi.models import Statement
from xapi.tests import strategies as xs

pytestmark = pytest.mark.django_db

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


@st.composite
def statements_for(draw, content):
    """The player's answered statement for `content`, broken in at most one place."""
    return draw(xs.broken(st.just(answered(content, parent=draw(st.booleans())))))


def _refusal_is_explained(response) -> None:
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        body = response.json()
        message = body.get("error") or body.get("message")
        assert isinstance(message, str) and message.strip()


@given(data=st.data())
def test_statements_broken_anywhere_never_make_a_server_error(activity_lesson, tiny_content, data):
    client = Client()
    client.force_login(activity_lesson.learner)
    statement = data.draw(st.one_of(statements_for(tiny_content), xs.ANY_JSON))
    before = Statement.objects.count()
    response = client.post(
        statements_url(activity_lesson, tiny_content),
        data=json.dumps(statement),
        content_type="application/json",
    )
    _refusal_is_explained(response)
    if response.status_code >= 400:
        assert Statement.objects.count() == before


@given(raw=xs.RAW_BODIES)
@example(raw=b'{"verb": {"id": "\\u0000"}}')
def test_raw_statement_bodies_never_make_a_server_error(activity_lesson, tiny_content, raw):
    client = Client()
    client.force_login(activity_lesson.learner)
    response = client.post(
        statements_url(activity_lesson, tiny_content), data=raw, content_type="application/json"
    )
    _refusal_is_explained(response)
    if response.status_code >= 400:
        assert not Statement.objects.exists()


@given(
    data_type=st.one_of(st.sampled_from(["state", "progress"]), TEXT),
    sub_content_id=st.one_of(st.sampled_from(["0", "abc-123"]), TEXT),
    method=st.sampled_from(["GET", "POST", "OPTIONS"]),
    form=st.fixed_dictionaries(
        {},
        optional={
            "data": st.one_of(xs.ANY_JSON.map(json.dumps), TEXT),
            "preload": st.sampled_from(["0", "1", "", "yes"]),
            "invalidate": st.sampled_from(["0", "1", "", "yes"]),
        },
    ),
)
@example(data_type="state", sub_content_id="0", method="POST", form={"data": "a\x00b"})
def test_user_data_requests_never_make_a_server_error(
    activity_lesson, tiny_content, data_type, sub_content_id, method, form
):
    token = grant(activity_lesson, tiny_content)
    url = user_data_url(tiny_content, token).replace(
        "/state/0", f"/{quote(data_type, safe='') or 'x'}/{quote(sub_content_id, safe='') or 'x'}"
    )
    before = H5PUserData.objects.count()
    if method == "GET":
        response = Client().get(url)
    elif method == "OPTIONS":
        response = Client().options(url)
    else:
        response = Client().post(
            url, urlencode(form), content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code < 500, response.content
    # A data type of "/" (sent as %2F) routes to the package files, which answer only GET: 405.
    if response.status_code >= 400 and response.status_code not in (404, 405):
        assert response.json()["message"]
    assert H5PUserData.objects.count() <= before + 1
    if response.status_code >= 400:
        assert H5PUserData.objects.count() == before


@given(token=st.one_of(TEXT, st.from_regex(r"[A-Za-z0-9:_-]{1,60}", fullmatch=True)))
def test_forged_grants_never_make_a_server_error(tiny_content, token):
    url = user_data_url(tiny_content, quote(token, safe="") or "x")
    response = Client().post(url, {"data": "1"})
    assert response.status_code in (400, 403, 404)
    assert not H5PUserData.objects.exists()


def test_saved_state_with_u0000_is_refused_and_nothing_saved(activity_lesson, tiny_content):
    """Found by the property above on PostgreSQL, whose text cannot hold U+0000."""
    url = user_data_url(tiny_content, grant(activity_lesson, tiny_content))
    response = Client().post(
        url, urlencode({"data": '{"a": "\x00"}'}), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "U+0000" in response.json()["message"]
    assert not H5PUserData.objects.exists()
