"""Scopes: learners' sessions, clients and learners of other universities, the service API."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from xapi.models import Statement
from xapi.services import learner_agent, platform_authority, statement_store
from xapi.validation import XAPIError

from .conftest import VERSION, make_statement

pytestmark = pytest.mark.django_db


def session_for(user, *, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_learner_session_writes_only_about_themself(learner_a, university_a):
    client = session_for(learner_a)
    statement = make_statement(actor={"mbox": "mailto:someone-else@example.com"})
    response = client.post(
        "/xapi/statements", json.dumps(statement), content_type="application/json", **VERSION
    )
    assert response.status_code == 200, response.content
    stored = Statement.objects.get()
    assert stored.data["actor"] == learner_agent(learner_a)
    assert stored.learner_id == learner_a.pk
    assert stored.university_id == university_a.pk
    assert stored.data["authority"] == learner_agent(learner_a)


def test_learner_reads_only_own_statements(learner_a, learner_b, lrs_a):
    mine = make_statement()
    session_for(learner_a).post(
        "/xapi/statements", json.dumps(mine), content_type="application/json", **VERSION
    )
    theirs = make_statement()
    session_for(learner_b).post(
        "/xapi/statements", json.dumps(theirs), content_type="application/json", **VERSION
    )
    other = make_statement()
    lrs_a.post("statements", other)
    listed = session_for(learner_a).get("/xapi/statements", **VERSION).json()["statements"]
    assert [s["id"] for s in listed] == [mine["id"]]
    assert (
        session_for(learner_a)
        .get("/xapi/statements", {"statementId": theirs["id"]}, **VERSION)
        .status_code
        == 404
    )
    # The learner's university client sees the learner's statement; the other one does not.
    assert {s["id"] for s in lrs_a.get("statements").json()["statements"]} == {
        mine["id"],
        other["id"],
    }


def test_learner_may_not_void(learner_a):
    client = session_for(learner_a)
    target = make_statement()
    client.post("/xapi/statements", json.dumps(target), content_type="application/json", **VERSION)
    voiding = make_statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": target["id"]},
    )
    response = client.post(
        "/xapi/statements", json.dumps(voiding), content_type="application/json", **VERSION
    )
    assert response.status_code == 403
    assert Statement.objects.count() == 1


def test_session_writes_need_the_csrf_token(learner_a):
    client = session_for(learner_a, csrf=True)
    body = json.dumps(make_statement())
    response = client.post("/xapi/statements", body, content_type="application/json", **VERSION)
    assert response.status_code == 403
    assert Statement.objects.count() == 0
    assert client.get("/xapi/statements", **VERSION).status_code == 200  # reads need no token
    token_value = "a" * 32  # the page that loads the player puts this pair in place
    client.cookies["csrftoken"] = token_value
    response = client.post(
        "/xapi/statements",
        body,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token_value,
        **VERSION,
    )
    assert response.status_code == 200, response.content


def test_basic_auth_needs_no_csrf_token(lrs_a):
    lrs_a.client = Client(enforce_csrf_checks=True)
    assert lrs_a.post("statements", make_statement()).status_code == 200


def test_learner_documents_are_their_own(learner_a):
    client = session_for(learner_a)
    own = json.dumps(learner_agent(learner_a))
    activity = "http://example.com/activities/h5p/1"
    query = "?" + urlencode({"activityId": activity, "agent": own, "stateId": "resume"})
    assert (
        client.put(
            f"/xapi/activities/state{query}", b"{}", content_type="application/json", **VERSION
        ).status_code
        == 204
    )
    other = json.dumps({"mbox": "mailto:victim@example.com"})
    query = "?" + urlencode({"activityId": activity, "agent": other, "stateId": "resume"})
    assert (
        client.put(
            f"/xapi/activities/state{query}", b"{}", content_type="application/json", **VERSION
        ).status_code
        == 403
    )
    assert client.get(f"/xapi/activities/state{query}", **VERSION).status_code == 403
    profile = "?" + urlencode({"activityId": activity, "profileId": "p"})
    assert (
        client.put(
            f"/xapi/activities/profile{profile}", b"{}", content_type="application/json", **VERSION
        ).status_code
        == 403
    )


def test_anonymous_session_is_401(client):
    assert client.get("/xapi/statements", **VERSION).status_code == 401


def test_client_may_not_write_about_another_universitys_learner(lrs_a, learner_a, learner_b):
    about_b = make_statement(actor=learner_agent(learner_b))
    assert lrs_a.post("statements", about_b).status_code == 403
    about_a = make_statement(actor=learner_agent(learner_a))
    assert lrs_a.post("statements", about_a).status_code == 200
    stored = Statement.objects.get()
    assert stored.learner_id == learner_a.pk
    # The learner can read what their university's tool recorded about them.
    listed = session_for(learner_a).get("/xapi/statements", **VERSION).json()["statements"]
    assert [s["id"] for s in listed] == [about_a["id"]]


def test_statement_store_service_for_other_apps(learner_a, university_a):
    statement = {
        "actor": {"mbox": "mailto:made-up-by-the-browser@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "http://example.com/h5p/content/1"},
        "result": {"score": {"scaled": 0.8}},
    }
    statement["actor"] = learner_agent(learner_a)
    statement_id = statement_store(
        statement, authority=platform_authority(), university_id=university_a.pk
    )
    stored = Statement.objects.get(statement_id=statement_id)
    assert stored.learner_id == learner_a.pk
    assert stored.data["authority"] == platform_authority()
    with pytest.raises(XAPIError) as caught:
        statement_store(
            {"actor": {}, "verb": {}, "object": {}},
            authority=platform_authority(),
            university_id=None,
        )
    assert caught.value.status == 400
    assert Statement.objects.count() == 1
