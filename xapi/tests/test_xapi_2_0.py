"""xAPI 2.0.0 (IEEE 9274.1.1-2023) served beside 1.0.3, chosen by X-Experience-API-Version.

Each test is named after the 2.0 requirement it proves (section numbers of 9274.1.1 where the
requirement moved, else the 1.0.3 anchor it changes); ADR 0045 says what differs and how
statements of one version read under the other.
"""

import json
import uuid
from urllib.parse import urlencode

import pytest
from django.test import Client

from xapi.models import Statement
from xapi.validation import is_duration, parse_timestamp, validate_statement

from .conftest import make_statement

pytestmark = pytest.mark.django_db

PLAYER = {"objectType": "Agent", "mbox": "mailto:player-1@example.com"}
TEAM = {"objectType": "Group", "mbox": "mailto:team@example.com", "name": "Team"}
COACH_TYPE = "https://example.com/types/coach"


def context_agents(**item):
    return {"contextAgents": [{"objectType": "contextAgent", "agent": PLAYER, **item}]}


def context_groups(**item):
    return {"contextGroups": [{"objectType": "contextGroup", "group": TEAM, **item}]}


def get_one(lrs, statement_id, **params):
    response = lrs.get("statements", {"statementId": statement_id, **params})
    assert response.status_code == 200, response.content
    return response.json()


def substatement(**overrides) -> dict:
    inner = make_statement(**overrides)
    del inner["id"]
    return make_statement(object={"objectType": "SubStatement", **inner})


# --- 4.1.1 Versioning: one negotiation, the answer names the version served ----------------


@pytest.mark.parametrize("header", ["2.0.0", "2.0", "2.0.7"])
def test_a_2_0_x_request_is_served_by_2_0_and_the_response_says_2_0_0(lrs_a, header):
    response = lrs_a.get("statements", HTTP_X_EXPERIENCE_API_VERSION=header)
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == "2.0.0"


def test_a_1_0_x_request_is_still_served_by_1_0_3(lrs_a):
    response = lrs_a.get("statements", HTTP_X_EXPERIENCE_API_VERSION="1.0")
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize("header", ["2.1.0", "3.0.0", "0.95", "2", "2.0.0.1", "2.0.x"])
def test_a_version_header_other_than_1_0_x_or_2_0_x_is_a_400(lrs_a, header):
    response = lrs_a.get("statements", HTTP_X_EXPERIENCE_API_VERSION=header)
    assert response.status_code == 400
    assert "2.0.x" in response.json()["error"]["message"]


def test_a_refusal_under_2_0_still_names_2_0_0(lrs_a_2_0):
    response = lrs_a_2_0.post("statements", {"actor": "nobody"})
    assert response.status_code == 400
    assert response["X-Experience-API-Version"] == "2.0.0"


def test_the_about_resource_lists_1_0_0_1_0_3_and_2_0_0():
    response = Client().get("/xapi/about")
    assert response.status_code == 200
    assert response.json()["version"] == ["1.0.0", "1.0.3", "2.0.0"]
    asked = Client().get("/xapi/about", HTTP_X_EXPERIENCE_API_VERSION="2.0.0")
    assert asked["X-Experience-API-Version"] == "2.0.0"


# --- 4.2.2.5 Context: contextAgents and contextGroups ------------------------------------------


@pytest.mark.parametrize(
    "context",
    [
        context_agents(),
        context_agents(relevantTypes=[COACH_TYPE]),
        context_groups(),
        context_groups(relevantTypes=[COACH_TYPE, "urn:example:type"]),
        {**context_agents(), **context_groups()},
        {"contextAgents": [], "contextGroups": []},
    ],
    ids=["agent", "agent-types", "group", "group-types", "both", "empty-arrays"],
)
def test_context_agents_and_context_groups_are_accepted_under_2_0(lrs_a_2_0, context):
    for statement in (make_statement(context=context), substatement(context=context)):
        response = lrs_a_2_0.post("statements", statement)
        assert response.status_code == 200, response.content
        returned = get_one(lrs_a_2_0, statement["id"])
        body = returned if "context" in returned else returned["object"]
        for key in ("contextAgents", "contextGroups"):
            assert body["context"].get(key) == context.get(key)


@pytest.mark.parametrize(
    ("context", "where"),
    [
        ({"contextAgents": [{"objectType": "Should fail", "agent": PLAYER}]}, "objectType"),
        ({"contextAgents": [{"agent": PLAYER}]}, "objectType"),
        ({"contextAgents": [{"objectType": "contextAgent"}]}, "agent"),
        ({"contextAgents": [{"objectType": "contextAgent", "agent": {"key": "x"}}]}, "agent"),
        ({"contextAgents": [{"objectType": "contextAgent", "agent": TEAM}]}, "agent"),
        (context_agents(relevantTypes=[]), "relevantTypes"),
        (context_agents(relevantTypes=["abc"]), "relevantTypes[0]"),
        (context_agents(relevantTypes=COACH_TYPE), "relevantTypes"),
        (context_agents(role="coach"), "role"),
        ({"contextAgents": {"objectType": "contextAgent", "agent": PLAYER}}, "contextAgents"),
        ({"contextAgents": ["x"]}, "contextAgents[0]"),
        ({"contextGroups": [{"objectType": "contextAgent", "group": TEAM}]}, "objectType"),
        ({"contextGroups": [{"objectType": "contextGroup", "group": PLAYER}]}, "group"),
        ({"contextGroups": [{"objectType": "contextGroup", "agent": TEAM}]}, "agent"),
        (context_groups(relevantTypes=[]), "relevantTypes"),
        (context_groups(relevantTypes=[COACH_TYPE, 7]), "relevantTypes[1]"),
    ],
)
def test_a_malformed_context_agent_or_group_is_a_400(lrs_a_2_0, context, where):
    """A contextAgent has objectType "contextAgent" and an Agent, a contextGroup has
    "contextGroup" and a Group; relevantTypes, when present, is a non-empty array of IRIs."""
    for statement in (make_statement(context=context), substatement(context=context)):
        response = lrs_a_2_0.post("statements", statement)
        assert response.status_code == 400, response.content
        assert where in response.json()["error"]["message"]
    assert not Statement.objects.exists()


def test_context_agents_are_unknown_properties_under_1_0_3(lrs_a):
    response = lrs_a.post("statements", make_statement(context=context_agents()))
    assert response.status_code == 400
    assert "contextAgents" in response.json()["error"]["message"]


def test_the_related_agents_filter_matches_context_agents_and_groups(lrs_a_2_0):
    """Under 2.0 related_agents also looks at contextAgents and contextGroups."""
    with_agent = make_statement(context=context_agents())
    with_group = make_statement(context=context_groups())
    other = make_statement()
    for statement in (with_agent, with_group, other):
        assert lrs_a_2_0.post("statements", statement).status_code == 200

    def found(agent, related):
        params = {"agent": json.dumps(agent), "related_agents": related}
        response = lrs_a_2_0.get("statements", params)
        return {s["id"] for s in response.json()["statements"]}

    assert found(PLAYER, "true") == {with_agent["id"]}
    assert found(TEAM, "true") == {with_group["id"]}
    assert found(PLAYER, "false") == set()


def test_format_ids_reduces_context_agents_and_groups_to_their_identifiers(lrs_a_2_0):
    named = {**PLAYER, "name": "Player One"}
    context = {
        "contextAgents": [{"objectType": "contextAgent", "agent": named}],
        **context_groups(relevantTypes=[COACH_TYPE]),
    }
    statement = make_statement(context=context)
    assert lrs_a_2_0.post("statements", statement).status_code == 200
    returned = get_one(lrs_a_2_0, statement["id"], format="ids")["context"]
    assert returned["contextAgents"] == [{"objectType": "contextAgent", "agent": PLAYER}]
    assert returned["contextGroups"][0]["group"] == {
        "objectType": "Group",
        "mbox": "mailto:team@example.com",
    }
    assert returned["contextGroups"][0]["relevantTypes"] == [COACH_TYPE]


def test_the_same_2_0_statement_sent_again_is_not_a_conflict(lrs_a_2_0):
    statement = make_statement(context=context_agents(relevantTypes=[COACH_TYPE]))
    assert lrs_a_2_0.post("statements", statement).status_code == 200
    assert lrs_a_2_0.post("statements", statement).status_code == 200
    changed = dict(statement, context=context_groups())
    assert lrs_a_2_0.post("statements", changed).status_code == 409


# --- 4.2.7 Timestamps: a time zone is required; RFC 3339 is the format -------------------------


@pytest.mark.parametrize("timestamp", ["2024-05-01T10:00:00", "2024-05-01T10:00:00.123"])
def test_a_timestamp_without_a_time_zone_is_a_400_under_2_0(lrs_a, lrs_a_2_0, timestamp):
    for statement in (make_statement(timestamp=timestamp), substatement(timestamp=timestamp)):
        response = lrs_a_2_0.post("statements", statement)
        assert response.status_code == 400
        assert "time zone" in response.json()["error"]["message"]
        # 1.0.3 only recommended the zone: a 1.0.3 client is still served as before.
        assert lrs_a.post("statements", statement).status_code == 200


@pytest.mark.parametrize(
    ("timestamp", "status"),
    [
        ("2008-09-15T15:53:00.601Z", 200),
        ("2008-09-15T15:53:00.601+05:30", 200),
        ("2008-09-15 15:53:00.601+00:00", 200),
        ("2008-09-15T15:53:00.601-00", 400),
        ("2008-09-15T15:53:00.601-0000", 400),
        ("2008-09-15T15:53:00.601-00:00", 400),
        ("01/011/2015", 400),
    ],
)
def test_a_2_0_timestamp_is_an_rfc_3339_instant(lrs_a_2_0, timestamp, status):
    assert lrs_a_2_0.post("statements", make_statement(timestamp=timestamp)).status_code == status


def test_since_and_until_need_a_time_zone_under_2_0(lrs_a, lrs_a_2_0):
    naive = {"since": "2024-05-01T10:00:00"}
    response = lrs_a_2_0.get("statements", naive)
    assert response.status_code == 400
    assert "time zone" in response.json()["error"]["message"]
    assert lrs_a.get("statements", naive).status_code == 200
    assert lrs_a_2_0.get("statements", {"until": "2024-05-01T10:00:00Z"}).status_code == 200


# --- 4.2.7 Durations: ISO 8601, a decimal fraction only in the lowest-order component ------


@pytest.mark.parametrize(
    ("duration", "valid"),
    [
        ("PT1H0M0.1S", True),
        ("PT4H35M59.14S", True),
        ("PT16559.14S", True),
        ("P3Y1M29DT4H35M59.14S", True),
        ("P3Y", True),
        ("P4W", True),
        ("P1DT1.5H", True),
        ("P4W1D", False),
        ("PA1H0M0S", False),
        ("PT1.5H30M", False),
        ("P1.5DT1H", False),
        ("P0.5Y1M", False),
        ("P", False),
        ("PT", False),
    ],
)
def test_a_2_0_duration_follows_iso_8601(lrs_a_2_0, duration, valid):
    statement = make_statement(result={"duration": duration})
    response = lrs_a_2_0.post("statements", statement)
    assert response.status_code == (200 if valid else 400), response.content
    sub = lrs_a_2_0.post("statements", substatement(result={"duration": duration}))
    assert sub.status_code == (200 if valid else 400)


def test_a_fraction_before_the_last_duration_component_stays_accepted_under_1_0_3(lrs_a):
    assert is_duration("PT1.5H30M") and not is_duration("PT1.5H30M", strict=True)
    response = lrs_a.post("statements", make_statement(result={"duration": "PT1.5H30M"}))
    assert response.status_code == 200


# --- 4.2.4.3 Version: "2.0.0" set by the LRS, a version retained as accepted ----------------


def test_a_2_0_statement_without_a_version_is_stored_with_2_0_0(lrs_a, lrs_a_2_0):
    statement = make_statement()
    assert lrs_a_2_0.post("statements", statement).status_code == 200
    assert get_one(lrs_a_2_0, statement["id"])["version"] == "2.0.0"
    older = make_statement()
    assert lrs_a.post("statements", older).status_code == 200
    assert get_one(lrs_a_2_0, older["id"])["version"] == "1.0.0"


@pytest.mark.parametrize("version", ["2.0.0", "2.0", "1.0.3", "1.0"])
def test_statements_returned_retain_the_version_they_were_accepted_with(lrs_a_2_0, version):
    statement = make_statement(version=version)
    assert lrs_a_2_0.post("statements", statement).status_code == 200
    assert get_one(lrs_a_2_0, statement["id"])["version"] == version


@pytest.mark.parametrize("version", ["2.1.0", "3.0.0", "0.95", "2.0.0\n", 2.0])
def test_a_statement_version_other_than_2_0_x_or_1_0_x_is_a_400_under_2_0(lrs_a_2_0, version):
    response = lrs_a_2_0.post("statements", make_statement(version=version))
    assert response.status_code == 400
    assert "version" in response.json()["error"]["message"]


def test_a_2_0_0_statement_is_refused_by_the_1_0_3_resource(lrs_a):
    response = lrs_a.post("statements", make_statement(version="2.0.0"))
    assert response.status_code == 400


# --- 4.1.4 Concurrency: every document resource's PUT needs If-Match or If-None-Match -------


STATE = "?" + urlencode(
    {
        "activityId": "http://example.com/activities/q1",
        "agent": json.dumps({"mbox": "mailto:learner@example.com"}),
        "stateId": "bookmark",
    }
)


def test_a_2_0_state_put_without_either_header_to_a_new_document_is_a_400(lrs_a_2_0):
    response = lrs_a_2_0.put("activities/state", {"page": 1}, query=STATE)
    assert response.status_code == 400
    assert "If-None-Match" in response.json()["error"]["message"]
    assert lrs_a_2_0.get("activities/state" + STATE).status_code == 404


def test_a_2_0_state_put_without_either_header_to_an_existing_document_is_a_409(lrs_a_2_0):
    created = lrs_a_2_0.put("activities/state", {"page": 1}, query=STATE, HTTP_IF_NONE_MATCH="*")
    assert created.status_code == 204
    response = lrs_a_2_0.put("activities/state", {"page": 2}, query=STATE)
    assert response.status_code == 409
    assert response.json()["error"]["message"]
    assert lrs_a_2_0.get("activities/state" + STATE).json() == {"page": 1}


def test_a_2_0_state_put_with_the_current_etag_replaces_it(lrs_a_2_0):
    lrs_a_2_0.put("activities/state", {"page": 1}, query=STATE, HTTP_IF_NONE_MATCH="*")
    etag = lrs_a_2_0.get("activities/state" + STATE)["ETag"]
    stale = lrs_a_2_0.put("activities/state", {"page": 3}, query=STATE, HTTP_IF_MATCH='"1234"')
    assert stale.status_code == 412
    fresh = lrs_a_2_0.put("activities/state", {"page": 2}, query=STATE, HTTP_IF_MATCH=etag)
    assert fresh.status_code == 204
    assert lrs_a_2_0.get("activities/state" + STATE).json() == {"page": 2}


def test_a_2_0_state_post_or_delete_without_headers_still_works(lrs_a_2_0):
    assert lrs_a_2_0.post("activities/state", {"page": 1}, query=STATE).status_code == 204
    assert lrs_a_2_0.delete("activities/state", query=STATE).status_code == 204


def test_a_1_0_3_state_put_without_headers_is_still_exempt(lrs_a):
    assert lrs_a.put("activities/state", {"page": 1}, query=STATE).status_code == 204
    assert lrs_a.put("activities/state", {"page": 2}, query=STATE).status_code == 204


# --- Alternate request syntax: removed by 9274.1.1 ---------------------------------------------


@pytest.mark.parametrize("where", ["header", "form"])
def test_the_alternate_request_syntax_is_refused_under_2_0(lrs_a, where):
    form = {"Authorization": lrs_a.auth["HTTP_AUTHORIZATION"]}
    header = "1.0.3"
    if where == "form":
        form["X-Experience-API-Version"] = "2.0.0"
    else:
        header = "2.0.0"
    response = lrs_a.client.post(
        "/xapi/statements?method=GET",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_EXPERIENCE_API_VERSION=header,
    )
    assert response.status_code == 400
    assert "alternate request syntax" in response.json()["error"]["message"]
    # The same request as 1.0.3 is served.
    form["X-Experience-API-Version"] = "1.0.3"
    served = lrs_a.client.post(
        "/xapi/statements?method=GET",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert served.status_code == 200


# --- A statement stored under one version, read under the other (ADR 0045) ------------------


def test_a_2_0_statement_read_by_a_1_0_3_client_comes_without_context_agents(lrs_a, lrs_a_2_0):
    registration = str(uuid.uuid4())
    context = {"registration": registration, **context_agents(), **context_groups()}
    statement = make_statement(context=context)
    sub = substatement(context=context)
    for posted in (statement, sub):
        assert lrs_a_2_0.post("statements", posted).status_code == 200

    read = get_one(lrs_a, statement["id"])
    assert read["context"] == {"registration": registration}
    assert read["version"] == "2.0.0"
    assert get_one(lrs_a, sub["id"])["object"]["context"] == {"registration": registration}
    listed = lrs_a.get("statements").json()["statements"]
    assert all("contextAgents" not in json.dumps(s) for s in listed)
    # Nothing was lost: a 2.0 client still reads them, and the stored data is untouched.
    assert get_one(lrs_a_2_0, statement["id"])["context"]["contextAgents"]
    assert Statement.objects.get(statement_id=statement["id"]).data["context"]["contextGroups"]


def test_a_1_0_3_statement_with_a_zoneless_timestamp_reads_under_2_0_in_utc(lrs_a, lrs_a_2_0):
    statement = make_statement(timestamp="2024-05-01T10:00:00.250")
    assert lrs_a.post("statements", statement).status_code == 200
    read = get_one(lrs_a_2_0, statement["id"])
    assert read["timestamp"] == "2024-05-01T10:00:00.250Z"
    assert parse_timestamp(read["timestamp"], strict=True) == parse_timestamp(
        statement["timestamp"]
    )
    assert get_one(lrs_a, statement["id"])["timestamp"] == "2024-05-01T10:00:00.250"


def test_every_statement_a_2_0_client_reads_validates_under_2_0(lrs_a, lrs_a_2_0):
    """Whatever 1.0.3 accepted reads back to a 2.0 client as a valid 2.0 statement."""
    for statement in (
        make_statement(timestamp="2024-05-01T10:00:00"),
        substatement(timestamp="2024-05-01T10:00:00"),
        make_statement(context={"contextActivities": {"parent": {"id": "http://example.com/p"}}}),
    ):
        assert lrs_a.post("statements", statement).status_code == 200
    for read in lrs_a_2_0.get("statements").json()["statements"]:
        validate_statement(read, version="2.0.0")


# --- Document resources: an identified Group may own documents under 2.0 --------------------


def group_state(group) -> str:
    return "?" + urlencode(
        {
            "activityId": "http://example.com/activities/q1",
            "agent": json.dumps(group),
            "stateId": "team-progress",
        }
    )


def test_an_identified_group_may_own_state_and_agent_profiles_under_2_0(lrs_a, lrs_a_2_0):
    """9274.1.1: documents may name an Agent or an identified Group; members do not count."""
    with_members = {**TEAM, "member": [PLAYER]}
    created = lrs_a_2_0.put(
        "activities/state", {"done": 3}, query=group_state(with_members), HTTP_IF_NONE_MATCH="*"
    )
    assert created.status_code == 204
    assert lrs_a_2_0.get("activities/state" + group_state(TEAM)).json() == {"done": 3}
    profile = "?" + urlencode({"agent": json.dumps(TEAM), "profileId": "roster"})
    put = lrs_a_2_0.put("agents/profile", {"size": 4}, query=profile, HTTP_IF_NONE_MATCH="*")
    assert put.status_code == 204
    # 1.0.3 names documents by Agents only.
    refused = lrs_a.get("activities/state" + group_state(TEAM))
    assert refused.status_code == 400


def test_an_anonymous_group_cannot_own_documents_under_2_0(lrs_a_2_0):
    anonymous = {"objectType": "Group", "member": [PLAYER]}
    response = lrs_a_2_0.get("activities/state" + group_state(anonymous))
    assert response.status_code == 400
    assert "anonymous Group" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("first", "again", "same"),
    [
        ("PT1.001S", "PT1.009S", True),
        ("PT1S", "PT1.00S", True),
        ("PT4H35M59.14S", "PT4H35M59.149S", True),
        ("PT1.01S", "PT1.02S", False),
        ("PT1M", "PT60S", False),
    ],
)
def test_duration_precision_beyond_hundredths_is_not_compared(lrs_a_2_0, first, again, same):
    """Sending a statement again is not a conflict when its durations differ below 0.01 s."""
    statement = make_statement(result={"duration": first})
    assert lrs_a_2_0.post("statements", statement).status_code == 200
    resent = dict(statement, result={"duration": again})
    assert lrs_a_2_0.post("statements", resent).status_code == (200 if same else 409)


def test_a_context_groups_member_order_is_not_compared(lrs_a_2_0):
    other = {"objectType": "Agent", "mbox": "mailto:player-2@example.com"}
    group = {"objectType": "Group", "member": [PLAYER, other]}
    item = {"objectType": "contextGroup", "group": group}
    statement = make_statement(context={"contextGroups": [item]})
    assert lrs_a_2_0.post("statements", statement).status_code == 200
    reordered = {**item, "group": {**group, "member": [other, PLAYER]}}
    resent = dict(statement, context={"contextGroups": [reordered]})
    assert lrs_a_2_0.post("statements", resent).status_code == 200


def test_a_learners_session_speaks_2_0_too(learner_a):
    """The browser-session principal: its 2.0 statements are recorded with the learner as
    actor, context agents kept, and read back in 2.0."""
    client = Client()
    client.force_login(learner_a)
    version = {"HTTP_X_EXPERIENCE_API_VERSION": "2.0.0"}
    statement = make_statement(context=context_agents(relevantTypes=[COACH_TYPE]))
    posted = client.post(
        "/xapi/statements", json.dumps(statement), content_type="application/json", **version
    )
    assert posted.status_code == 200, posted.content
    read = client.get("/xapi/statements", {"statementId": statement["id"]}, **version).json()
    assert read["actor"]["account"]["name"] == str(learner_a.pk)
    assert read["context"]["contextAgents"][0]["relevantTypes"] == [COACH_TYPE]
    assert read["version"] == "2.0.0"


def test_a_request_without_a_version_header_is_a_400_answered_as_1_0_3(lrs_a):
    authorization = lrs_a.auth["HTTP_AUTHORIZATION"]
    response = lrs_a.client.get("/xapi/statements", HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["error"]["message"]
    assert response["X-Experience-API-Version"] == "1.0.3"
