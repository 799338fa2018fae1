"""State, activity profile and agent profile resources; activities and agents resources."""

import hashlib
import json
from urllib.parse import urlencode

import pytest

from xapi.models import Document

from .conftest import make_statement

pytestmark = pytest.mark.django_db

AGENT = json.dumps({"mbox": "mailto:learner@example.com"})
ACTIVITY = "http://example.com/activities/q1"


def state_query(**extra):
    return "?" + urlencode({"activityId": ACTIVITY, "agent": AGENT, **extra})


def test_state_put_get_etag_and_delete(lrs_a):
    body = b'{"bookmark": "page-3"}'
    assert (
        lrs_a.put("activities/state", body, query=state_query(stateId="resume")).status_code == 204
    )
    got = lrs_a.get(
        "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "resume"}
    )
    assert got.status_code == 200
    assert got.content == body
    assert got["ETag"] == f'"{hashlib.sha1(body, usedforsecurity=False).hexdigest()}"'
    assert got["Content-Type"] == "application/json"
    listed = lrs_a.get("activities/state", {"activityId": ACTIVITY, "agent": AGENT})
    assert listed.json() == ["resume"]
    assert lrs_a.delete("activities/state", query=state_query(stateId="resume")).status_code == 204
    missing = lrs_a.get(
        "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "resume"}
    )
    assert missing.status_code == 404


def test_state_post_merges_json_objects(lrs_a):
    lrs_a.post("activities/state", {"x": "foo", "y": "bar"}, query=state_query(stateId="s"))
    assert (
        lrs_a.post(
            "activities/state", {"x": "bash", "z": "faz"}, query=state_query(stateId="s")
        ).status_code
        == 204
    )
    got = lrs_a.get("activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"})
    assert got.json() == {"x": "bash", "y": "bar", "z": "faz"}


@pytest.mark.parametrize(
    ("first", "first_type", "second", "second_type"),
    [
        (b"plain text", "text/plain", b'{"a": 1}', "application/json"),
        (b'{"a": 1}', "application/json", b"[1, 2]", "application/json"),
        (b'{"a": 1}', "application/json", b"{broken", "application/json"),
        (b'{"a": 1}', "application/json", b"text", "text/plain"),
    ],
)
def test_merge_of_non_objects_is_400_and_changes_nothing(
    lrs_a, first, first_type, second, second_type
):
    lrs_a.put("activities/state", first, content_type=first_type, query=state_query(stateId="s"))
    response = lrs_a.post(
        "activities/state", second, content_type=second_type, query=state_query(stateId="s")
    )
    assert response.status_code == 400
    assert bytes(Document.objects.get().content) == first


def test_state_delete_without_state_id_clears_the_context(lrs_a):
    for state_id in ("a", "b"):
        lrs_a.put("activities/state", b"{}", query=state_query(stateId=state_id))
    assert lrs_a.delete("activities/state", query=state_query()).status_code == 204
    assert Document.objects.count() == 0


@pytest.mark.parametrize(
    "query",
    [
        "?" + urlencode({"agent": AGENT, "stateId": "s"}),
        "?" + urlencode({"activityId": "not an iri", "agent": AGENT, "stateId": "s"}),
        "?" + urlencode({"activityId": ACTIVITY, "agent": "{", "stateId": "s"}),
        "?"
        + urlencode({"activityId": ACTIVITY, "agent": AGENT, "stateId": "s", "registration": "x"}),
        "?" + urlencode({"activityId": ACTIVITY, "agent": AGENT, "stateid": "s"}),
        "?"
        + urlencode(
            {
                "activityId": ACTIVITY,
                "agent": json.dumps({"objectType": "Group", "mbox": "mailto:g@x.y"}),
                "stateId": "s",
            }
        ),
    ],
    ids=[
        "no activity",
        "bad activity",
        "bad agent",
        "bad registration",
        "miscased param",
        "group agent",
    ],
)
def test_state_hostile_parameters(lrs_a, query):
    assert lrs_a.put("activities/state", b"{}", query=query).status_code == 400
    assert Document.objects.count() == 0


def test_profile_concurrency(lrs_a):
    query = "?" + urlencode({"activityId": ACTIVITY, "profileId": "p"})
    assert (
        lrs_a.put("activities/profile", {"v": 1}, query=query, HTTP_IF_NONE_MATCH="*").status_code
        == 204
    )
    etag = lrs_a.get("activities/profile", {"activityId": ACTIVITY, "profileId": "p"})["ETag"]
    # PUT to an existing profile without a precondition: 409, nothing changes.
    assert lrs_a.put("activities/profile", {"v": 2}, query=query).status_code == 409
    # If-None-Match: * when it exists, and a stale If-Match: 412.
    assert (
        lrs_a.put("activities/profile", {"v": 2}, query=query, HTTP_IF_NONE_MATCH="*").status_code
        == 412
    )
    assert (
        lrs_a.put(
            "activities/profile", {"v": 2}, query=query, HTTP_IF_MATCH='"deadbeef"'
        ).status_code
        == 412
    )
    assert json.loads(bytes(Document.objects.get().content)) == {"v": 1}
    assert (
        lrs_a.put("activities/profile", {"v": 2}, query=query, HTTP_IF_MATCH=etag).status_code
        == 204
    )
    assert lrs_a.delete("activities/profile", query=query, HTTP_IF_MATCH=etag).status_code == 412
    new_etag = lrs_a.get("activities/profile", {"activityId": ACTIVITY, "profileId": "p"})["ETag"]
    assert (
        lrs_a.delete("activities/profile", query=query, HTTP_IF_MATCH=new_etag).status_code == 204
    )


def test_if_match_on_missing_document_is_412(lrs_a):
    query = "?" + urlencode({"agent": AGENT, "profileId": "p"})
    assert (
        lrs_a.put("agents/profile", {"v": 1}, query=query, HTTP_IF_MATCH='"abc"').status_code == 412
    )
    assert Document.objects.count() == 0


def test_agent_profile_roundtrip_and_since(lrs_a):
    query = "?" + urlencode({"agent": AGENT, "profileId": "prefs"})
    assert (
        lrs_a.put("agents/profile", {"lang": "ru"}, query=query, HTTP_IF_NONE_MATCH="*").status_code
        == 204
    )
    listed = lrs_a.get("agents/profile", {"agent": AGENT})
    assert listed.json() == ["prefs"]
    assert (
        lrs_a.get("agents/profile", {"agent": AGENT, "since": "2999-01-01T00:00:00Z"}).json() == []
    )


def test_documents_are_partitioned_by_university(lrs_a, lrs_b):
    lrs_a.put("activities/state", b'{"mine": true}', query=state_query(stateId="s"))
    assert (
        lrs_b.get(
            "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"}
        ).status_code
        == 404
    )
    assert lrs_b.get("activities/state", {"activityId": ACTIVITY, "agent": AGENT}).json() == []


def test_activities_resource_returns_the_canonical_definition(lrs_a, lrs_b):
    lrs_a.post("statements", make_statement())
    got = lrs_a.get("activities", {"activityId": ACTIVITY}).json()
    assert got["definition"]["name"] == {"en": "Question 1", "ru": "Вопрос 1"}
    # Unknown activity (here: in another university's partition) still returns an Activity.
    assert lrs_b.get("activities", {"activityId": ACTIVITY}).json() == {
        "objectType": "Activity",
        "id": ACTIVITY,
    }
    assert lrs_a.get("activities", {}).status_code == 400


def test_agents_resource_returns_a_person(lrs_a):
    got = lrs_a.get(
        "agents", {"agent": json.dumps({"name": "L", "mbox": "mailto:learner@example.com"})}
    )
    assert got.json() == {
        "objectType": "Person",
        "name": ["L"],
        "mbox": ["mailto:learner@example.com"],
    }
    assert lrs_a.get("agents", {"agent": "[]"}).status_code == 400
