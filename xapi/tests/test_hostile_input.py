"""Hostile input never makes a 500 (Communication 3.2): property-based tests.

Hypothesis generates statements across the Data schema (valid-ish, then broken in one place),
arbitrary JSON and bytes, hostile signatures (JWSs broken in every part, under both versions),
the query parameters of GET /statements, and requests to the State, Activity Profile and
Agent Profile resources, including the alternate request syntax. Each is sent through
Django's test client to the real views with a university's real LRS credentials. An
unhandled exception would propagate out of the test client and fail the test; every answer
must be below 500, and every refusal must say why.

The example counts come from the Hypothesis profile (`conftest.py`): small in the default
"ci" profile, larger with `--hypothesis-profile=thorough`.
"""

import base64
import hashlib
import json
import string
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from xapi import multipart
from xapi.models import Statement

from . import strategies as xs
from .conftest import make_statement
from .signing import x5c_certificate

pytestmark = pytest.mark.django_db

DOCUMENT_PATHS = ["activities/state", "activities/profile", "agents/profile"]
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/octet-stream",
            "text/plain; charset=utf-8",
            "multipart/mixed",
            "multipart/mixed; boundary=x",
            "application/x-www-form-urlencoded",
        ]
    ),
    xs.SHORT_ASCII,
)
PRECONDITIONS = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_IF_MATCH": st.one_of(st.just("*"), st.just('"abc"'), xs.SHORT_ASCII),
        "HTTP_IF_NONE_MATCH": st.one_of(st.just("*"), xs.SHORT_ASCII),
    },
)


def assert_answered(response) -> None:
    """Not a server error; a refusal carries a message (Communication 3.2.s3.b2)."""
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        message = response.json()["error"]["message"]
        assert isinstance(message, str) and message.strip()


@pytest.fixture
def seeded_lrs(lrs_a):
    """A client whose university already holds statements, a SubStatement, an attachment and
    documents, so that reads and conflicts have something to find."""
    content = b"attachment"
    sha2 = hashlib.sha256(content).hexdigest()
    with_attachment = make_statement(
        attachments=[
            {
                "usageType": "http://example.com/usage",
                "display": {"en": "file"},
                "contentType": "text/plain",
                "length": len(content),
                "sha2": sha2,
            }
        ]
    )
    body, content_type = multipart.build(
        [
            ({"Content-Type": "application/json"}, json.dumps(with_attachment).encode()),
            (
                {
                    "Content-Type": "text/plain",
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": sha2,
                },
                content,
            ),
        ]
    )
    assert lrs_a.post("statements", body, content_type=content_type).status_code == 200
    inner = make_statement()
    del inner["id"]
    sub = make_statement(object={"objectType": "SubStatement", **inner})
    assert lrs_a.post("statements", [make_statement(), sub]).status_code == 200
    activity = "http://example.com/activities/q1"
    agent = json.dumps({"mbox": "mailto:learner@example.com"})
    profile = "?" + urlencode({"activityId": activity, "profileId": "p"})
    state = "?" + urlencode({"activityId": activity, "agent": agent, "stateId": "s"})
    assert (
        lrs_a.put("activities/profile", {"a": 1}, query=profile, HTTP_IF_NONE_MATCH="*").status_code
        == 204
    )
    assert lrs_a.put("activities/state", {"a": 1}, query=state).status_code == 204
    return lrs_a


@given(body=xs.STATEMENT_BODIES)
def test_posted_statements_never_make_a_server_error(lrs_a, body):
    assert_answered(lrs_a.post("statements", body))


@given(raw=xs.RAW_BODIES, content_type=CONTENT_TYPES)
def test_raw_statement_bodies_never_make_a_server_error(lrs_a, raw, content_type):
    assert_answered(lrs_a.post("statements", raw, content_type=content_type))


@given(statement=xs.broken(xs.STATEMENTS), statement_id=st.one_of(xs.UUIDS, xs.TEXT))
def test_put_statements_never_make_a_server_error(lrs_a, statement, statement_id):
    query = "?" + urlencode({"statementId": statement_id})
    assert_answered(lrs_a.put("statements", statement, query=query))


@given(
    statements=st.lists(xs.broken(xs.STATEMENTS), min_size=1, max_size=2),
    parts=st.lists(
        st.tuples(
            st.fixed_dictionaries(
                {},
                optional={
                    "Content-Type": CONTENT_TYPES,
                    "Content-Transfer-Encoding": st.sampled_from(["binary", "base64"]),
                    "X-Experience-API-Hash": st.one_of(st.just("ab" * 32), xs.SHORT_ASCII),
                },
            ),
            st.binary(max_size=30),
        ),
        max_size=2,
    ),
)
def test_multipart_statements_never_make_a_server_error(lrs_a, statements, parts):
    body, content_type = multipart.build(
        [({"Content-Type": "application/json"}, json.dumps(statements).encode()), *parts]
    )
    assert_answered(lrs_a.post("statements", body, content_type=content_type))


@given(params=xs.queries(xs.STATEMENT_QUERY_NAMES), language=xs.SHORT_ASCII)
def test_statement_queries_never_make_a_server_error(seeded_lrs, params, language):
    assert_answered(seeded_lrs.get("statements", params, HTTP_ACCEPT_LANGUAGE=language))


@given(
    path=st.sampled_from(DOCUMENT_PATHS),
    method=st.sampled_from(["GET", "PUT", "POST", "DELETE"]),
    params=xs.queries(xs.DOCUMENT_QUERY_NAMES),
    body=st.one_of(
        xs.ANY_JSON.map(lambda value: json.dumps(value).encode()), st.binary(max_size=30)
    ),
    content_type=CONTENT_TYPES,
    preconditions=PRECONDITIONS,
)
def test_document_requests_never_make_a_server_error(
    seeded_lrs, path, method, params, body, content_type, preconditions
):
    query = "?" + urlencode(params) if params else ""
    extra = {**seeded_lrs.auth, **preconditions}
    url = f"/xapi/{path}{query}"
    client = seeded_lrs.client
    if method == "GET":
        response = client.get(url, **extra)
    elif method == "DELETE":
        response = client.delete(url, **extra)
    else:
        send = client.put if method == "PUT" else client.post
        response = send(url, body, content_type=content_type, **extra)
    assert_answered(response)


@given(
    path=st.sampled_from(["statements", "activities", "agents", *DOCUMENT_PATHS]),
    method=st.one_of(st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"]), xs.SHORT_ASCII),
    params=xs.queries([*xs.STATEMENT_QUERY_NAMES, *xs.DOCUMENT_QUERY_NAMES]),
    content=st.one_of(st.none(), xs.STATEMENT_BODIES.map(json.dumps), xs.TEXT),
    headers=st.fixed_dictionaries(
        {},
        optional={
            "Content-Type": CONTENT_TYPES,
            "If-Match": xs.SHORT_ASCII,
            "If-None-Match": st.just("*"),
            "X-Experience-API-Version": st.sampled_from(["1.0.3", "1.0", "2.0.0", "x"]),
        },
    ),
)
def test_alternate_request_syntax_never_makes_a_server_error(
    lrs_a, path, method, params, content, headers
):
    """Communication 1.3: the method, headers and content arrive as form fields."""
    form = {**params, **headers, "Authorization": lrs_a.auth["HTTP_AUTHORIZATION"]}
    if content is not None:
        form["content"] = content
    response = lrs_a.client.post(
        f"/xapi/{path}?" + urlencode({"method": method}),
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert_answered(response)


@given(
    body=xs.STATEMENT_BODIES,
    path=st.sampled_from(DOCUMENT_PATHS),
    params=xs.queries(xs.DOCUMENT_QUERY_NAMES),
    statement_params=xs.queries(xs.STATEMENT_QUERY_NAMES),
)
def test_a_learners_session_never_makes_a_server_error(
    learner_a, body, path, params, statement_params
):
    """The other principal: a learner's browser session, whose writes are about themself."""
    client = Client()
    client.force_login(learner_a)
    version = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
    posted = client.post(
        "/xapi/statements", json.dumps(body), content_type="application/json", **version
    )
    assert_answered(posted)
    assert_answered(client.get("/xapi/statements", statement_params, **version))
    document = client.put(
        f"/xapi/{path}?" + urlencode(params), b"{}", content_type="application/json", **version
    )
    assert_answered(document)


# --- The same properties for xAPI 2.0 requests (ADR 0045) -----------------------------------


@pytest.fixture
def seeded_lrs_2_0(seeded_lrs, lrs_a_2_0):
    """`seeded_lrs`'s university, spoken to in 2.0, with a 2.0 statement and state stored."""
    agent = {"objectType": "Agent", "mbox": "mailto:player@example.com"}
    context = {
        "contextAgents": [{"objectType": "contextAgent", "agent": agent}],
        "contextGroups": [
            {
                "objectType": "contextGroup",
                "group": {"objectType": "Group", "member": [agent]},
                "relevantTypes": ["http://example.com/types/team"],
            }
        ],
    }
    assert lrs_a_2_0.post("statements", make_statement(context=context)).status_code == 200
    state = "?" + urlencode(
        {
            "activityId": "http://example.com/activities/q1",
            "agent": json.dumps({"mbox": "mailto:learner@example.com"}),
            "stateId": "s2",
        }
    )
    created = lrs_a_2_0.put("activities/state", {"a": 1}, query=state, HTTP_IF_NONE_MATCH="*")
    assert created.status_code == 204
    return lrs_a_2_0


@given(body=xs.STATEMENT_BODIES_2_0)
def test_posted_2_0_statements_never_make_a_server_error(lrs_a_2_0, body):
    response = lrs_a_2_0.post("statements", body)
    assert_answered(response)
    assert response["X-Experience-API-Version"] == "2.0.0"


@given(statement=xs.broken(xs.STATEMENTS_2_0), statement_id=st.one_of(xs.UUIDS, xs.TEXT))
def test_put_2_0_statements_never_make_a_server_error(lrs_a_2_0, statement, statement_id):
    query = "?" + urlencode({"statementId": statement_id})
    assert_answered(lrs_a_2_0.put("statements", statement, query=query))


@given(
    params=xs.queries(xs.STATEMENT_QUERY_NAMES),
    language=xs.SHORT_ASCII,
    version=st.sampled_from(["2.0.0", "1.0.3"]),
)
def test_2_0_statement_queries_never_make_a_server_error(seeded_lrs_2_0, params, language, version):
    """Both versions read the store holding statements of both."""
    response = seeded_lrs_2_0.get(
        "statements", params, HTTP_ACCEPT_LANGUAGE=language, HTTP_X_EXPERIENCE_API_VERSION=version
    )
    assert_answered(response)


@given(
    path=st.sampled_from(DOCUMENT_PATHS),
    method=st.sampled_from(["GET", "PUT", "POST", "DELETE"]),
    params=xs.queries(xs.DOCUMENT_QUERY_NAMES),
    body=st.one_of(
        xs.ANY_JSON.map(lambda value: json.dumps(value).encode()), st.binary(max_size=30)
    ),
    content_type=CONTENT_TYPES,
    preconditions=PRECONDITIONS,
)
def test_2_0_document_requests_never_make_a_server_error(
    seeded_lrs_2_0, path, method, params, body, content_type, preconditions
):
    query = "?" + urlencode(params) if params else ""
    extra = {**seeded_lrs_2_0.auth, **preconditions}
    url = f"/xapi/{path}{query}"
    client = seeded_lrs_2_0.client
    if method == "GET":
        response = client.get(url, **extra)
    elif method == "DELETE":
        response = client.delete(url, **extra)
    else:
        send = client.put if method == "PUT" else client.post
        response = send(url, body, content_type=content_type, **extra)
    assert_answered(response)


@given(
    header=st.one_of(st.sampled_from(["2.0.0", "2.0", "2.0.1", "2.1.0", "1.0.3"]), xs.TEXT),
    method=st.one_of(st.sampled_from(["GET", "POST", "PUT"]), xs.SHORT_ASCII),
    params=xs.queries(xs.STATEMENT_QUERY_NAMES),
)
def test_2_0_version_headers_and_alternate_syntax_never_make_a_server_error(
    lrs_a, header, method, params
):
    """Whatever the header says, in the request or in an alternate-syntax form."""
    if "\x00" in header or "\n" in header or "\r" in header:
        return  # a header no HTTP client can send
    assert_answered(lrs_a.get("statements", params, HTTP_X_EXPERIENCE_API_VERSION=header))
    form = {**params, "X-Experience-API-Version": header}
    form["Authorization"] = lrs_a.auth["HTTP_AUTHORIZATION"]
    response = lrs_a.client.post(
        "/xapi/statements?" + urlencode({"method": method}),
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_EXPERIENCE_API_VERSION="2.0.0",
    )
    assert_answered(response)


def _b64url(value) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# x5c entries: real certificates (an RSA one and an EC one), then anything at all.
_SIGNER_CERTIFICATES = [
    x5c_certificate(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    x5c_certificate(ec.generate_private_key(ec.SECP256R1())),
]
JWS_HEADERS = st.one_of(
    st.fixed_dictionaries(
        {
            "alg": st.one_of(
                st.sampled_from(["RS256", "RS384", "RS512", "none", "HS256"]), xs.ANY_JSON
            )
        },
        optional={
            "x5c": st.one_of(
                st.lists(
                    st.one_of(
                        st.sampled_from(_SIGNER_CERTIFICATES),
                        st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode()),
                        xs.ANY_JSON,
                    ),
                    max_size=2,
                ),
                xs.ANY_JSON,
            ),
            "crit": xs.ANY_JSON,
            "b64": st.booleans(),
        },
    ),
    xs.ANY_JSON,
)
B64URL_TEXT = st.text(string.ascii_letters + string.digits + "-_", max_size=40)
# A payload of None stands for the statement itself, so verification is reached.
JWS_PAYLOADS = st.one_of(st.none(), st.none(), xs.ANY_JSON, xs.STATEMENTS)
JWS_SEGMENTS = st.one_of(B64URL_TEXT, xs.SHORT_ASCII, xs.ANY_JSON.map(_b64url), st.just(""))


@st.composite
def hostile_signatures(draw, statement: dict) -> bytes:
    """Compact JWSs with hostile parts, JSON serializations, stray dots and raw bytes."""
    payload = draw(JWS_PAYLOADS)
    payload_b64 = _b64url(statement if payload is None else payload)
    header_b64 = draw(st.one_of(JWS_HEADERS.map(_b64url), JWS_SEGMENTS))
    signature_b64 = draw(JWS_SEGMENTS)
    compact = f"{header_b64}.{payload_b64}.{signature_b64}"
    spoil = draw(st.sampled_from(["", "\n", "==", " ", "."]))
    return draw(
        st.one_of(
            st.just((compact + spoil).encode()),
            st.lists(JWS_SEGMENTS, max_size=5).map(lambda parts: ".".join(parts).encode()),
            st.just(
                json.dumps(
                    {"payload": payload_b64, "protected": header_b64, "signature": signature_b64}
                ).encode()
            ),
            st.binary(max_size=60),
        )
    )


@given(
    data=st.data(),
    version=st.sampled_from(["1.0.3", "2.0.0"]),
    content_type=st.sampled_from(["application/octet-stream", "text/plain"]),
    sent_as_part=st.booleans(),
)
def test_hostile_signatures_never_make_a_server_error(
    lrs_a, lrs_a_2_0, data, version, content_type, sent_as_part
):
    statement = make_statement()
    token = data.draw(hostile_signatures(statement))
    sha2 = hashlib.sha256(token).hexdigest()
    attachment = {
        "usageType": "http://adlnet.gov/expapi/attachments/signature",
        "display": {"en-US": "signature"},
        "contentType": content_type,
        "length": len(token),
        "sha2": sha2,
    }
    parts = [
        (
            {"Content-Type": "application/json"},
            json.dumps(dict(statement, attachments=[attachment])).encode(),
        )
    ]
    if sent_as_part:
        headers = {
            "Content-Type": content_type,
            "Content-Transfer-Encoding": "binary",
            "X-Experience-API-Hash": sha2,
        }
        parts.append((headers, token))
    body, body_type = multipart.build(parts)
    lrs = lrs_a_2_0 if version == "2.0.0" else lrs_a
    response = lrs.post("statements", body, content_type=body_type)
    assert_answered(response)
    assert response["X-Experience-API-Version"] == version


@given(authorization=st.one_of(xs.TEXT, xs.SHORT_ASCII.map(lambda s: "Basic " + s)))
def test_malformed_credentials_are_a_401_not_a_server_error(lrs_a, authorization):
    token = base64.b64encode(authorization.encode("utf-8", "replace")).decode()
    for header in (authorization, f"Basic {token}"):
        response = lrs_a.client.get(
            "/xapi/statements", HTTP_AUTHORIZATION=header, HTTP_X_EXPERIENCE_API_VERSION="1.0.3"
        )
        assert_answered(response)


# --- The inputs these properties found, kept as plain regression tests ----------------------


def _statement_text(**overrides) -> str:
    return json.dumps(make_statement(**overrides))


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"[" * 5000 + b"]" * 5000, id="nested-past-the-recursion-limit"),
        pytest.param(b'{"a": ' * 70 + b"1" + b"}" * 70, id="nested-past-the-depth-bound"),
        pytest.param(_statement_text(result={"score": {"raw": 1}}).replace("1}", "NaN}"), id="nan"),
        pytest.param(
            _statement_text(result={"score": {"raw": 1}}).replace("1}", "1e400}"), id="1e400"
        ),
        pytest.param(_statement_text(result={"response": "a\u0000b"}), id="u0000"),
        pytest.param(
            _statement_text(result={"response": "x"}).replace('"x"', '"\\ud800"'), id="surrogate"
        ),
        pytest.param(
            _statement_text(id="6f1d8d1e-0b7b-4b0c-9a4e-1b1b1b1b1b1b\n"), id="uuid-newline"
        ),
        pytest.param(
            _statement_text(timestamp="9999-12-31T23:59:59-05:00"), id="year-10000-in-utc"
        ),
        pytest.param(
            _statement_text(
                object={"id": "http://example.com/a", "definition": {"interactionType": {}}}
            ),
            id="interaction-type-object",
        ),
    ],
)
def test_bodies_the_store_cannot_hold_are_a_400(lrs_a, raw):
    response = lrs_a.post("statements", raw if isinstance(raw, bytes) else raw.encode())
    assert response.status_code == 400
    assert response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"limit": "²"}, 400),
        ({"stateId": "a\x00b"}, 400),
        ({"since": "0001-01-01T00:00:00+01:00"}, 400),
    ],
    ids=["superscript-limit", "u0000-parameter", "year-0-in-utc"],
)
def test_parameters_the_store_cannot_hold_are_a_400(lrs_a, params, status):
    path = "statements" if "limit" in params or "since" in params else "activities/state"
    full = dict(params)
    if path != "statements":
        full |= {"activityId": "http://example.com/a", "agent": '{"mbox": "mailto:a@b.c"}'}
    response = lrs_a.get(path, full)
    assert response.status_code == status
    assert response.json()["error"]["message"]


def test_a_document_content_type_wider_than_its_column_is_a_400(lrs_a):
    query = "?" + urlencode(
        {"activityId": "http://example.com/a", "agent": '{"mbox": "mailto:a@b.c"}', "stateId": "s"}
    )
    response = lrs_a.put("activities/state", b"x", content_type="text/" + "x" * 300, query=query)
    assert response.status_code == 400
    assert "Content-Type" in response.json()["error"]["message"]


def test_an_account_number_past_the_database_keys_names_no_learner(lrs_a):
    """An actor under Ilm's own homePage whose name is a number no user id can be."""
    actor = {"account": {"homePage": settings.SITE_URL, "name": "9" * 30}}
    response = lrs_a.post("statements", make_statement(actor=actor))
    assert response.status_code == 200
    assert Statement.objects.get().learner_id is None
