"""The Statement resource through Django's test client: storing, reading, voiding, paging."""

import hashlib
import json
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import override_settings

from xapi import multipart
from xapi.models import AttachmentContent, Statement

from .conftest import make_statement

pytestmark = pytest.mark.django_db

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def test_about_is_public_and_names_the_version(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert "1.0.3" in response.json()["version"]
    assert response["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize(
    ("header", "status"),
    [(None, 400), ("0.95", 400), ("1.1.0", 400), ("1.0", 200), ("1.0.1", 200), ("abc", 400)],
)
def test_version_header(lrs_a, header, status):
    extra = {"HTTP_X_EXPERIENCE_API_VERSION": header} if header else {}
    auth = {k: v for k, v in lrs_a.auth.items() if k != "HTTP_X_EXPERIENCE_API_VERSION"}
    response = lrs_a.client.get("/xapi/statements", **auth, **extra)
    assert response.status_code == status
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_credentials_are_required(client, lrs_a):
    response = client.get("/xapi/statements", HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
    assert response.status_code == 401
    wrong = lrs_a.auth | {"HTTP_AUTHORIZATION": "Basic " + "eDp5"}  # x:y
    assert client.get("/xapi/statements", **wrong).status_code == 401
    garbage = lrs_a.auth | {"HTTP_AUTHORIZATION": "Basic ***"}
    assert client.get("/xapi/statements", **garbage).status_code == 401
    bearer = lrs_a.auth | {"HTTP_AUTHORIZATION": "Bearer abc"}
    assert client.get("/xapi/statements", **bearer).status_code == 401


def test_deactivated_client_is_refused(lrs_a):
    assert lrs_a.get("statements").status_code == 200
    lrs_a.credentials.client.is_active = False
    lrs_a.credentials.client.save()
    assert lrs_a.get("statements").status_code == 401


def test_post_stores_and_get_returns_it_with_lrs_properties(lrs_a):
    statement = make_statement(
        context={"contextActivities": {"parent": {"id": "http://example.com/quiz"}}}
    )
    response = lrs_a.post("statements", statement)
    assert response.status_code == 200
    assert response.json() == [statement["id"]]
    assert "X-Experience-API-Consistent-Through" in response
    got = lrs_a.get("statements", {"statementId": statement["id"]})
    assert got.status_code == 200
    data = got.json()
    assert data["actor"] == statement["actor"]
    assert data["version"] == "1.0.0"
    assert data["stored"] and data["timestamp"] == data["stored"]
    assert data["authority"]["account"]["name"] == lrs_a.credentials.key
    # Returned as an array even though it arrived as a single object (Data 2.4.6.2.s4.b3).
    assert data["context"]["contextActivities"]["parent"] == [{"id": "http://example.com/quiz"}]
    assert got["Last-Modified"]


def test_post_without_id_gets_one(lrs_a):
    statement = make_statement()
    del statement["id"]
    response = lrs_a.post("statements", statement)
    (new_id,) = response.json()
    assert uuid.UUID(new_id)
    assert Statement.objects.filter(statement_id=new_id).exists()


def test_submitted_authority_is_overwritten(lrs_a):
    statement = make_statement(authority={"mbox": "mailto:impostor@example.com"})
    lrs_a.post("statements", statement)
    stored = Statement.objects.get(statement_id=statement["id"])
    assert stored.data["authority"]["account"]["name"] == lrs_a.credentials.key


def test_put_statement(lrs_a):
    statement = make_statement()
    response = lrs_a.put("statements", statement, query=f"?statementId={statement['id']}")
    assert response.status_code == 204
    assert Statement.objects.count() == 1


def test_put_without_id_in_body_uses_the_parameter(lrs_a):
    statement = make_statement()
    statement_id = statement.pop("id")
    assert (
        lrs_a.put("statements", statement, query=f"?statementId={statement_id}").status_code == 204
    )
    assert Statement.objects.filter(statement_id=statement_id).exists()


@pytest.mark.parametrize(
    "query",
    ["", "?statementId=not-a-uuid", f"?statementId={uuid.uuid4()}"],
    ids=["missing statementId", "bad statementId", "mismatched id"],
)
def test_put_refuses_bad_ids_and_stores_nothing(lrs_a, query):
    response = lrs_a.put("statements", make_statement(), query=query)
    assert response.status_code == 400
    assert Statement.objects.count() == 0


def test_put_refuses_a_batch(lrs_a):
    statement = make_statement()
    response = lrs_a.put("statements", [statement], query=f"?statementId={statement['id']}")
    assert response.status_code == 400


def test_replayed_statement_is_a_no_op_and_a_changed_one_is_a_conflict(lrs_a):
    statement = make_statement()
    assert lrs_a.post("statements", statement).status_code == 200
    first = Statement.objects.get()
    # The same statement again, e.g. a retry after a lost response: accepted, nothing changes.
    assert lrs_a.post("statements", statement).status_code == 200
    assert (
        lrs_a.put("statements", statement, query=f"?statementId={statement['id']}").status_code
        == 204
    )
    assert Statement.objects.count() == 1
    assert Statement.objects.get().stored == first.stored
    changed = dict(statement, result={"success": True})
    response = lrs_a.post("statements", changed)
    assert response.status_code == 409
    assert Statement.objects.get().data == first.data
    # A batch with one conflicting statement stores none of the others.
    other = make_statement()
    assert lrs_a.post("statements", [other, changed]).status_code == 409
    assert not Statement.objects.filter(statement_id=other["id"]).exists()


def test_batch_is_stored_in_order(lrs_a):
    batch = [make_statement() for _ in range(5)]
    response = lrs_a.post("statements", batch)
    assert response.json() == [s["id"] for s in batch]
    assert Statement.objects.count() == 5


HOSTILE_BODIES = [
    ("malformed json", b'{"actor": ', 400),
    ("not utf-8", b'\xff\xfe{"a": 1}', 400),
    (
        "wrong type for actor",
        {"actor": "me", "verb": {"id": "http://x.y/v"}, "object": {"id": "http://x.y/a"}},
        400,
    ),
    ("invalid verb IRI", make_statement(verb={"id": "answered"}), 400),
    (
        "bad language map",
        make_statement(verb={"id": "http://x.y/v", "display": {"not a tag": "x"}}),
        400,
    ),
    ("number as string", make_statement(result={"score": {"raw": "10"}}), 400),
    ("unknown property", make_statement(grade="A"), 400),
    ("null value", make_statement(result=None), 400),
    ("empty batch", [], 400),
    ("batch with duplicate ids", "duplicate", 400),
    ("batch with one bad statement", "one-bad", 400),
    ("json scalar", 42, 400),
]


@pytest.mark.parametrize(
    ("name", "body", "status"), HOSTILE_BODIES, ids=[row[0] for row in HOSTILE_BODIES]
)
def test_hostile_statement_bodies_store_nothing(lrs_a, name, body, status):
    if body == "duplicate":
        statement = make_statement()
        body = [statement, statement]
    elif body == "one-bad":
        body = [make_statement(), make_statement(verb={"id": "no scheme"})]
    response = lrs_a.post("statements", body)
    assert response.status_code == status
    assert response.json()["error"]["message"]
    assert Statement.objects.count() == 0


def test_wrong_content_type_is_refused(lrs_a):
    response = lrs_a.post("statements", json.dumps(make_statement()), content_type="text/plain")
    assert response.status_code == 400
    assert Statement.objects.count() == 0


@override_settings(XAPI_MAX_BATCH_STATEMENTS=3)
def test_oversized_batch_is_413(lrs_a):
    response = lrs_a.post("statements", [make_statement() for _ in range(4)])
    assert response.status_code == 413
    assert Statement.objects.count() == 0


@override_settings(XAPI_MAX_BODY_BYTES=2000)
def test_oversized_body_is_413(lrs_a):
    statement = make_statement(result={"response": "x" * 3000})
    response = lrs_a.post("statements", statement)
    assert response.status_code == 413
    assert Statement.objects.count() == 0


def test_unknown_and_miscased_parameters_are_refused(lrs_a):
    assert lrs_a.get("statements", {"verbs": "http://x.y/v"}).status_code == 400
    assert lrs_a.get("statements", {"StatementId": str(uuid.uuid4())}).status_code == 400
    assert lrs_a.post("statements", make_statement(), query="?foo=bar").status_code == 400


def test_single_statement_parameters_exclude_filters(lrs_a):
    statement_id = str(uuid.uuid4())
    both = {"statementId": statement_id, "voidedStatementId": statement_id}
    assert lrs_a.get("statements", both).status_code == 400
    with_filter = {"statementId": statement_id, "verb": "http://x.y/v"}
    assert lrs_a.get("statements", with_filter).status_code == 400
    assert (
        lrs_a.get("statements", {"statementId": statement_id, "format": "ids"}).status_code == 404
    )


@pytest.mark.parametrize(
    "params",
    [
        {"agent": "{bad json"},
        {"agent": '{"name": "no ifi"}'},
        {"verb": "not an iri"},
        {"registration": "nope"},
        {"since": "yesterday"},
        {"limit": "-1"},
        {"limit": "ten"},
        {"format": "full"},
        {"ascending": "yes"},
        {"related_agents": "1"},
        {"cursor": "forged"},
    ],
)
def test_bad_query_parameters(lrs_a, params):
    assert lrs_a.get("statements", params).status_code == 400


def test_voiding(lrs_a):
    target = make_statement()
    lrs_a.post("statements", target)
    voiding = make_statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target["id"]}
    )
    assert lrs_a.post("statements", voiding).status_code == 200
    assert lrs_a.get("statements", {"statementId": target["id"]}).status_code == 404
    voided = lrs_a.get("statements", {"voidedStatementId": target["id"]})
    assert voided.status_code == 200 and voided.json()["id"] == target["id"]
    listed = [s["id"] for s in lrs_a.get("statements").json()["statements"]]
    assert listed == [voiding["id"]]
    # The voiding statement is not voided, so voidedStatementId does not find it.
    assert lrs_a.get("statements", {"voidedStatementId": voiding["id"]}).status_code == 404
    # A voiding statement cannot itself be voided.
    again = make_statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding["id"]}
    )
    assert lrs_a.post("statements", again).status_code == 400
    assert not Statement.objects.filter(statement_id=again["id"]).exists()


def test_voiding_statement_may_arrive_first(lrs_a):
    target = make_statement()
    voiding = make_statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target["id"]}
    )
    assert lrs_a.post("statements", voiding).status_code == 200
    assert lrs_a.post("statements", target).status_code == 200
    assert lrs_a.get("statements", {"statementId": target["id"]}).status_code == 404
    assert lrs_a.get("statements", {"voidedStatementId": target["id"]}).status_code == 200


def test_voiding_another_universitys_statement_is_forbidden(lrs_a, lrs_b):
    target = make_statement()
    lrs_b.post("statements", target)
    voiding = make_statement(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target["id"]}
    )
    assert lrs_a.post("statements", voiding).status_code == 403
    assert not Statement.objects.get(statement_id=target["id"]).voided


def _ids(response):
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["statements"]]


def test_filters(lrs_a):
    registration = str(uuid.uuid4())
    plain = make_statement()
    other_verb = make_statement(verb={"id": "http://example.com/verbs/skipped"})
    with_context = make_statement(
        object={"id": "http://example.com/activities/q2"},
        context={
            "registration": registration,
            "instructor": {"mbox": "mailto:teacher@example.com"},
            "contextActivities": {"parent": [{"id": "http://example.com/quiz"}]},
        },
    )
    other_actor = make_statement(actor={"mbox": "mailto:someone@example.com"})
    group_actor = make_statement(
        actor={"objectType": "Group", "member": [{"mbox": "mailto:learner@example.com"}]}
    )
    lrs_a.post("statements", [plain, other_verb, with_context, other_actor, group_actor])

    learner = json.dumps({"mbox": "mailto:learner@example.com"})
    assert set(_ids(lrs_a.get("statements", {"verb": "http://example.com/verbs/skipped"}))) == {
        other_verb["id"]
    }
    assert set(_ids(lrs_a.get("statements", {"activity": "http://example.com/quiz"}))) == set()
    assert set(
        _ids(
            lrs_a.get(
                "statements", {"activity": "http://example.com/quiz", "related_activities": "true"}
            )
        )
    ) == {with_context["id"]}
    assert set(_ids(lrs_a.get("statements", {"registration": registration}))) == {
        with_context["id"]
    }
    assert set(_ids(lrs_a.get("statements", {"agent": learner}))) == {
        plain["id"],
        other_verb["id"],
        with_context["id"],
        group_actor["id"],
    }
    teacher = json.dumps({"mbox": "mailto:teacher@example.com"})
    assert _ids(lrs_a.get("statements", {"agent": teacher})) == []
    assert _ids(lrs_a.get("statements", {"agent": teacher, "related_agents": "true"})) == [
        with_context["id"]
    ]
    combined = {
        "agent": learner,
        "verb": "http://adlnet.gov/expapi/verbs/answered",
        "activity": "http://example.com/activities/q1",
    }
    assert set(_ids(lrs_a.get("statements", combined))) == {plain["id"], group_actor["id"]}


def test_statement_ref_targets_meet_filters(lrs_a):
    original = make_statement(object={"id": "http://example.com/activities/explosives"})
    lrs_a.post("statements", original)
    comment = make_statement(
        actor={"mbox": "mailto:andrew@example.com"},
        verb={"id": "http://example.com/verbs/confirmed"},
        object={"objectType": "StatementRef", "id": original["id"]},
    )
    lrs_a.post("statements", comment)
    found = _ids(lrs_a.get("statements", {"activity": "http://example.com/activities/explosives"}))
    assert set(found) == {original["id"], comment["id"]}
    # A reference stored before its target inherits the target's keys when it arrives.
    later_target = make_statement(object={"id": "http://example.com/activities/late"})
    early_ref = make_statement(
        verb={"id": "http://example.com/verbs/graded"},
        object={"objectType": "StatementRef", "id": later_target["id"]},
    )
    lrs_a.post("statements", early_ref)
    lrs_a.post("statements", later_target)
    found = _ids(lrs_a.get("statements", {"activity": "http://example.com/activities/late"}))
    assert set(found) == {later_target["id"], early_ref["id"]}


def test_since_until_and_order(lrs_a):
    first = make_statement()
    lrs_a.post("statements", first)
    middle = Statement.objects.get().stored
    second = make_statement()
    lrs_a.post("statements", second)
    assert _ids(lrs_a.get("statements")) == [second["id"], first["id"]]
    assert _ids(lrs_a.get("statements", {"ascending": "true"})) == [first["id"], second["id"]]
    since = middle.isoformat()
    assert _ids(lrs_a.get("statements", {"since": since})) == [second["id"]]
    assert _ids(lrs_a.get("statements", {"until": since})) == [first["id"]]


@override_settings(XAPI_STATEMENTS_PAGE_SIZE=7)
@pytest.mark.parametrize("ascending", [False, True])
def test_keyset_paging_through_more(lrs_a, ascending):
    # Several batches share one `stored` instant, so ties must be broken by id.
    batches = [[make_statement() for _ in range(6)] for _ in range(4)]
    for batch in batches:
        lrs_a.post("statements", batch)
    expected = [s["id"] for batch in batches for s in batch]
    if not ascending:
        expected.reverse()
    seen = []
    params = {"ascending": "true"} if ascending else {}
    response = lrs_a.get("statements", params)
    pages = 0
    while True:
        body = response.json()
        seen.extend(s["id"] for s in body["statements"])
        pages += 1
        if not body["more"]:
            break
        assert len(body["statements"]) == 7
        url = urlsplit(body["more"])
        assert url.path == "/xapi/statements"
        more_params = {k: v[0] for k, v in parse_qs(url.query).items()}
        response = lrs_a.get("statements", more_params)
        assert response.status_code == 200
    assert seen == expected
    assert pages == 4


def test_limit_and_formats(lrs_a):
    statement = make_statement(
        actor={"objectType": "Agent", "name": "Learner", "mbox": "mailto:learner@example.com"}
    )
    lrs_a.post("statements", statement)
    lrs_a.post(
        "statements",
        make_statement(
            object={
                "id": "http://example.com/activities/q1",
                "definition": {"name": {"de": "Frage 1"}},
            }
        ),
    )
    assert len(_ids(lrs_a.get("statements", {"limit": "1"}))) == 1
    ids_format = lrs_a.get("statements", {"statementId": statement["id"], "format": "ids"}).json()
    assert ids_format["actor"] == {"objectType": "Agent", "mbox": "mailto:learner@example.com"}
    assert ids_format["verb"] == {"id": statement["verb"]["id"]}
    assert ids_format["object"] == {"id": "http://example.com/activities/q1"}
    canonical = lrs_a.get(
        "statements",
        {"statementId": statement["id"], "format": "canonical"},
        HTTP_ACCEPT_LANGUAGE="de",
    ).json()
    # The canonical definition merged later languages; one language is returned per map.
    assert canonical["object"]["definition"]["name"] == {"de": "Frage 1"}
    exact = lrs_a.get("statements", {"statementId": statement["id"]}).json()
    assert exact["object"]["definition"]["name"] == {"en": "Question 1", "ru": "Вопрос 1"}


def test_head_returns_headers_without_body(lrs_a):
    response = lrs_a.client.head("/xapi/statements", **lrs_a.auth)
    assert response.status_code == 200
    assert response.content == b""
    assert "X-Experience-API-Consistent-Through" in response


def _attachment_statement(content: bytes, **extra):
    sha2 = hashlib.sha256(content).hexdigest()
    statement = make_statement(
        attachments=[
            {
                "usageType": "http://example.com/attachment-usage/test",
                "display": {"en-US": "A test attachment"},
                "contentType": "text/plain",
                "length": len(content),
                "sha2": sha2,
                **extra,
            }
        ]
    )
    return statement, sha2


def _multipart(statement, parts):
    body, content_type = multipart.build(
        [({"Content-Type": "application/json"}, json.dumps(statement).encode()), *parts]
    )
    return body, content_type


def test_attachments_multipart_roundtrip(lrs_a):
    content = b"here is a simple attachment\r\n--with a line that looks like a boundary"
    statement, sha2 = _attachment_statement(content)
    body, content_type = _multipart(
        statement,
        [
            (
                {
                    "Content-Type": "text/plain",
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": sha2,
                },
                content,
            )
        ],
    )
    response = lrs_a.post("statements", body, content_type=content_type)
    assert response.status_code == 200, response.content
    assert bytes(AttachmentContent.objects.get(sha2=sha2).content) == content
    got = lrs_a.get("statements", {"statementId": statement["id"], "attachments": "true"})
    assert got["Content-Type"].startswith("multipart/mixed")
    parts = multipart.parse(got.content, got["Content-Type"])
    assert json.loads(parts[0].content)["id"] == statement["id"]
    assert parts[1].content == content
    assert parts[1].headers["x-experience-api-hash"] == sha2
    plain = lrs_a.get("statements", {"statementId": statement["id"]})
    assert plain["Content-Type"] == "application/json"


def test_attachment_with_file_url_needs_no_part(lrs_a):
    statement, _ = _attachment_statement(b"x", fileUrl="http://example.com/file.txt")
    assert lrs_a.post("statements", statement).status_code == 200


@pytest.mark.parametrize(
    "case",
    [
        "hash mismatch",
        "missing part",
        "no hash header",
        "not binary",
        "undeclared part",
        "no closing boundary",
    ],
)
def test_hostile_attachments_store_nothing(lrs_a, case):
    content = b"attachment data"
    statement, sha2 = _attachment_statement(content)
    headers = {
        "Content-Type": "text/plain",
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": sha2,
    }
    parts = [(headers, content)]
    if case == "hash mismatch":
        parts = [(headers, b"different data!")]
    elif case == "missing part":
        parts = []
    elif case == "no hash header":
        parts = [({"Content-Type": "text/plain", "Content-Transfer-Encoding": "binary"}, content)]
    elif case == "not binary":
        parts = [({**headers, "Content-Transfer-Encoding": "base64"}, content)]
    elif case == "undeclared part":
        extra = b"extra"
        parts.append(
            ({**headers, "X-Experience-API-Hash": hashlib.sha256(extra).hexdigest()}, extra)
        )
    body, content_type = _multipart(statement, parts)
    if case == "no closing boundary":
        body = body.rsplit(b"--xapi-", 1)[0]
    response = lrs_a.post("statements", body, content_type=content_type)
    assert response.status_code == 400
    assert Statement.objects.count() == 0
    assert AttachmentContent.objects.count() == 0


def _form_post(lrs, path, form):
    return lrs.client.post(path, urlencode(form), content_type="application/x-www-form-urlencoded")


def test_alternate_request_syntax(lrs_a):
    statement = make_statement()
    form = {
        "content": json.dumps(statement),
        "X-Experience-API-Version": "1.0.3",
        "Authorization": lrs_a.auth["HTTP_AUTHORIZATION"],
        "statementId": statement["id"],
    }
    response = _form_post(lrs_a, "/xapi/statements?method=PUT", form)
    assert response.status_code == 204, response.content
    query = {
        "X-Experience-API-Version": "1.0.3",
        "Authorization": lrs_a.auth["HTTP_AUTHORIZATION"],
        "statementId": statement["id"],
    }
    got = _form_post(lrs_a, "/xapi/statements?method=GET", query)
    assert got.status_code == 200
    assert got.json()["id"] == statement["id"]
    # Other query string parameters are not allowed with the alternate syntax.
    bad = _form_post(lrs_a, f"/xapi/statements?method=GET&statementId={statement['id']}", query)
    assert bad.status_code == 400
    assert _form_post(lrs_a, "/xapi/statements?method=PATCH", query).status_code == 400
    # A multipart form is not the alternate syntax.
    assert lrs_a.client.post("/xapi/statements?method=GET", query).status_code == 400


def test_scope_client_never_reads_another_universitys_statements(lrs_a, lrs_b):
    mine = make_statement()
    theirs = make_statement()
    lrs_a.post("statements", mine)
    lrs_b.post("statements", theirs)
    assert _ids(lrs_a.get("statements")) == [mine["id"]]
    assert _ids(lrs_b.get("statements")) == [theirs["id"]]
    assert lrs_a.get("statements", {"statementId": theirs["id"]}).status_code == 404
    assert _ids(
        lrs_a.get("statements", {"agent": json.dumps({"mbox": "mailto:learner@example.com"})})
    ) == [mine["id"]]
    # Replaying another university's statement id does not reveal or change it.
    response = lrs_a.post("statements", dict(theirs, result={"success": False}))
    assert response.status_code == 409
    assert Statement.objects.get(statement_id=theirs["id"]).university.code == "uni-b"
