"""The xAPI 1.0.3 requirements ADL's LRS conformance suite found Ilm failing, one test each,
through the real views with a university's real LRS credentials.

Each test is named after the requirement it proves and quotes it.
"""

import copy
import hashlib
import json
import uuid
from urllib.parse import urlencode

import pytest

from xapi import multipart
from xapi.models import AttachmentContent, Document, Statement

from .conftest import make_statement

pytestmark = pytest.mark.django_db

OAUTH_CONSUMER = {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "x75db"}}
OAUTH_USER = {"mbox": "mailto:bob@example.com"}
ACTIVITY = "http://example.com/activities/profile-test"
AGENT = json.dumps({"objectType": "Agent", "mbox": "mailto:profile@example.com"})


def _refused(response):
    """A 400 that says why, and nothing stored."""
    assert response.status_code == 400, response.content
    assert response.json()["error"]["message"]
    assert Statement.objects.count() == 0


# --- Data 2.4.9 Authority -------------------------------------------------------------------


@pytest.mark.parametrize(
    "identifier",
    [
        {"mbox": "mailto:group@example.com"},
        {"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"},
        {"openid": "http://openid.example.org/12345"},
        {"account": {"homePage": "http://www.example.com", "name": "group"}},
    ],
    ids=["mbox", "mbox_sha1sum", "openid", "account"],
)
def test_data_2_4_9_s3_b1_an_identified_group_is_not_an_authority(lrs_a, identifier):
    """Data 2.4.9.s3.b1: "Authority MUST be an Agent, except in 3-legged OAuth, where it MUST
    be a Group with two Agents. The two Agents represent an application and user together."

    Such a Group stands for the pair, not for a group with an identity of its own.
    """
    authority = {"objectType": "Group", "member": [OAUTH_CONSUMER, OAUTH_USER], **identifier}
    _refused(lrs_a.post("statements", make_statement(authority=authority)))


@pytest.mark.parametrize(
    "members",
    [
        [OAUTH_USER],
        [OAUTH_CONSUMER, OAUTH_USER, {"mbox": "mailto:james@example.com"}],
        [],
    ],
    ids=["one", "three", "none"],
)
def test_data_2_4_9_s3_b1_a_group_authority_has_exactly_two_agents(lrs_a, members):
    """Data 2.4.9.s3.b1: "... in 3-legged OAuth, where it MUST be a Group with two Agents."""
    authority = {"objectType": "Group", "member": members}
    _refused(lrs_a.post("statements", make_statement(authority=authority)))


def test_data_2_4_9_s7_b2_the_oauth_consumer_in_an_authority_is_named_by_an_account(lrs_a):
    """Data 2.4.9.s7.b2: "The Agent representing the OAuth consumer MUST be identified by
    account." Two Agents of which neither has an account are not a consumer and a user."""
    authority = {
        "objectType": "Group",
        "member": [OAUTH_USER, {"mbox": "mailto:james@example.com"}],
    }
    _refused(lrs_a.post("statements", make_statement(authority=authority)))


@pytest.mark.parametrize(
    "authority",
    [
        {"objectType": "Agent", "mbox": "mailto:someone-else@example.com"},
        {"objectType": "Group", "member": [OAUTH_CONSUMER, OAUTH_USER]},
    ],
    ids=["agent", "oauth-pair"],
)
def test_data_2_4_9_s3_b4_a_valid_supplied_authority_is_overwritten_by_the_credentials(
    lrs_a, authority
):
    """Data 2.4.9.s3.b4: "The LRS SHOULD overwrite the authority on all Statements it
    stores, based on the credentials used to send those Statements." (ADR 0021)"""
    statement = make_statement(authority=authority)
    response = lrs_a.post("statements", statement)
    assert response.status_code == 200, response.content
    stored = lrs_a.get("statements", {"statementId": statement["id"]}).json()
    assert stored["authority"]["account"]["name"] == lrs_a.credentials.key
    assert stored["authority"] != authority


# --- Data 2.2 Formatting: a value of the wrong JSON type is a 400 ----------------------------

DEFINITION = "object.definition"
WRONG_TYPE_PATHS = [
    f"{DEFINITION}.interactionType",
    f"{DEFINITION}.type",
    f"{DEFINITION}.moreInfo",
    f"{DEFINITION}.correctResponsesPattern",
    f"{DEFINITION}.choices",
    f"{DEFINITION}.name.en",
    "object.objectType",
    "object.id",
    "verb.id",
    "actor.objectType",
    "actor.mbox",
    "context.registration",
    "context.language",
    "context.platform",
    "context.contextActivities",
    "result.duration",
    "result.response",
    "timestamp",
    "version",
    "id",
]


def _set(statement: dict, path: str, value) -> dict:
    node = statement
    *parents, last = path.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return statement


def _interaction_statement() -> dict:
    return make_statement(
        object={
            "objectType": "Activity",
            "id": "http://example.com/activities/q2",
            "definition": {
                "interactionType": "choice",
                "correctResponsesPattern": ["a"],
                "choices": [{"id": "a", "description": {"en": "A"}}],
            },
        },
        context={"registration": str(uuid.uuid4())},
        result={"response": "a"},
    )


@pytest.mark.parametrize("wrong", [{"an": "object"}, ["a", "list"]], ids=["object", "array"])
@pytest.mark.parametrize("path", WRONG_TYPE_PATHS)
def test_data_2_2_s4_b1_b4_a_value_of_the_wrong_type_is_refused_in_a_statement(lrs_a, path, wrong):
    """Data 2.2.s4.b1.b4: "The LRS MUST reject Statements with any non-format-following key
    or value ... where a string with a particular format ... is required." An object where a
    string belongs, as ADL sends for interactionType, is a 400, never a server error."""
    if path.endswith(("correctResponsesPattern", "choices", "contextActivities")) and isinstance(
        wrong, list
    ):
        wrong = [{"an": "object"}] if path.endswith("Pattern") else ["not an object"]
    _refused(lrs_a.post("statements", _set(_interaction_statement(), path, wrong)))


@pytest.mark.parametrize("path", [p for p in WRONG_TYPE_PATHS if p not in {"id", "version"}])
def test_data_2_2_s4_b1_b4_a_value_of_the_wrong_type_is_refused_in_a_substatement(lrs_a, path):
    """Data 2.2.s4.b1.b4, inside a SubStatement (Data 2.4.4.3): its Activity definition and
    every other part are validated as a Statement's own."""
    inner = _set(_interaction_statement(), path, {"an": "object"})
    del inner["id"]
    statement = make_statement(object={"objectType": "SubStatement", **inner})
    _refused(lrs_a.post("statements", statement))


# --- Data 2.4.10 Version --------------------------------------------------------------------


def test_data_2_4_10_s3_a_statement_version_of_1_0_is_accepted(lrs_a):
    """Data 2.4.10: "Statements returned by an LRS MUST retain the version they are accepted
    with", and Communication 3.3.s3.b3: "The LRS MUST accept requests with a version header
    of 1.0 as if the version header was 1.0.0." A Statement saying "1.0" is a 1.0.x one."""
    statement = make_statement(version="1.0")
    response = lrs_a.post("statements", statement)
    assert response.status_code == 200, response.content
    assert lrs_a.get("statements", {"statementId": statement["id"]}).json()["version"] == "1.0"
    refused = lrs_a.post("statements", make_statement(version="1.1"))
    assert refused.status_code == 400
    assert Statement.objects.count() == 1


# --- Data 2.5 Retrieval: format=ids ---------------------------------------------------------


def test_communication_2_1_3_ids_format_leaves_only_the_id_of_an_activity_in_a_substatement(
    lrs_a,
):
    """Communication 2.1.3.s1 (format): "ids: Only include minimum information necessary in
    Agent, Activity, Verb and Group Objects to identify them." An Activity is identified by
    its id; objectType is its default and is not needed, in a SubStatement as at the top."""
    activity = {
        "objectType": "Activity",
        "id": "http://example.com/activities/inner",
        "definition": {"name": {"en": "Inner"}},
    }
    inner = make_statement(object=copy.deepcopy(activity))
    del inner["id"]
    statement = make_statement(
        object={"objectType": "SubStatement", **inner},
        context={"contextActivities": {"parent": [copy.deepcopy(activity)]}},
    )
    assert lrs_a.post("statements", statement).status_code == 200
    ids = lrs_a.get("statements", {"statementId": statement["id"], "format": "ids"}).json()
    assert ids["object"]["object"] == {"id": activity["id"]}
    assert ids["object"]["objectType"] == "SubStatement"
    assert ids["object"]["verb"] == {"id": inner["verb"]["id"]}
    assert ids["context"]["contextActivities"]["parent"] == [{"id": activity["id"]}]


# --- Communication 3.1 Concurrency ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("agents/profile", {"agent": AGENT, "profileId": "new"}),
        ("activities/profile", {"activityId": ACTIVITY, "profileId": "new"}),
    ],
    ids=["agent-profile", "activity-profile"],
)
def test_communication_3_1_s3_b1_a_profile_put_without_a_precondition_is_refused(
    lrs_a, path, params
):
    """Communication 3.1.s3.b1: "A Client making a PUT request to either the Agent Profile
    Resource or Activity Profile Resource MUST include the If-Match header or the
    If-None-Match header." Without either, even for a new document, the request misses an
    argument: 400 (Communication 3.2.s2.b1), and nothing is stored (ADR 0022)."""
    query = "?" + urlencode(params)
    response = lrs_a.put(path, {"v": 1}, query=query)
    assert response.status_code == 400
    assert "If-None-Match" in response.json()["error"]["message"]
    assert Document.objects.count() == 0
    assert lrs_a.put(path, {"v": 1}, query=query, HTTP_IF_NONE_MATCH="*").status_code == 204
    # Communication 3.1.s4.b13: existing document, no header: 409 and no change.
    conflict = lrs_a.put(path, {"v": 2}, query=query)
    assert conflict.status_code == 409
    assert conflict.json()["error"]["message"]
    assert json.loads(bytes(Document.objects.get().content)) == {"v": 1}


def test_communication_3_1_s3_the_state_resource_permits_writes_without_preconditions(lrs_a):
    """Communication 3.1.s3: "The State Resource will permit PUT, POST and DELETE requests
    without concurrency headers, since state conflicts are unlikely."""
    query = "?" + urlencode({"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"})
    assert lrs_a.put("activities/state", {"v": 1}, query=query).status_code == 204
    assert lrs_a.put("activities/state", {"v": 2}, query=query).status_code == 204
    assert lrs_a.delete("activities/state", query=query).status_code == 204


# --- Communication 1.5.2 multipart/mixed ----------------------------------------------------


def test_communication_1_5_2_s1_b4_an_attachment_part_is_matched_by_its_hash_only(lrs_a):
    """Communication 1.5.2.s1.b4: the LRS "can match the raw data of an Attachment(s) with
    the Attachment header by comparing the SHA-2 of the raw data to the SHA-2 declared in the
    header. It MUST not do so any other way." A declared length that differs from the part
    is not a reason to refuse it, and the Statement keeps what it declared (ADR 0023)."""
    content = b"here is a simple attachment"
    sha2 = hashlib.sha256(content).hexdigest()
    statement = make_statement(
        attachments=[
            {
                "usageType": "http://example.com/attachment-usage/test",
                "display": {"en-US": "A test attachment"},
                "contentType": "text/plain",
                "length": len(content) + 5,
                "sha2": sha2,
            }
        ]
    )
    body, content_type = multipart.build(
        [
            ({"Content-Type": "application/json"}, json.dumps(statement).encode()),
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
    response = lrs_a.post("statements", body, content_type=content_type)
    assert response.status_code == 200, response.content
    assert bytes(AttachmentContent.objects.get(sha2=sha2).content) == content
    stored = lrs_a.get("statements", {"statementId": statement["id"]}).json()
    assert stored["attachments"][0]["length"] == len(content) + 5
