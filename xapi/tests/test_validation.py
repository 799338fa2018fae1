"""Conformance table for statement validation, written from the MUSTs of xAPI 1.0.3 Part Two.

Each row names the requirement (its anchor in xAPI-Data.md), a change applied to a valid
base Statement, and whether the LRS must accept it. Rejections must carry status 400
unless the row says otherwise.
"""

import copy
import uuid

import pytest

from xapi.validation import (
    XAPIError,
    agent_ifi,
    is_duration,
    is_iri,
    is_language_tag,
    parse_agent_parameter,
    parse_timestamp,
    statements_match,
    validate_statement,
    validate_statement_batch,
)


def base() -> dict:
    return {
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": {"objectType": "Agent", "name": "Learner", "mbox": "mailto:learner@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": "http://example.com/activities/q1",
            "definition": {"name": {"en": "Question 1"}, "type": "http://example.com/types/q"},
        },
    }


def setter(path: str, value):
    """Return a mutation that sets a dotted path (creating dicts on the way)."""

    def mutate(statement: dict) -> None:
        node = statement
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    return mutate


def deleter(path: str):
    def mutate(statement: dict) -> None:
        node = statement
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[part]
        del node[parts[-1]]

    return mutate


SUB = {
    "objectType": "SubStatement",
    "actor": {"mbox": "mailto:a@example.com"},
    "verb": {"id": "http://example.com/verbs/planned"},
    "object": {"id": "http://example.com/activities/site"},
}

# (requirement, mutation, accepted)
TABLE = [
    # 2.2.s2.b3 — actor, verb and object are required.
    ("2.2.s2.b3 actor required", deleter("actor"), False),
    ("2.2.s2.b3 verb required", deleter("verb"), False),
    ("2.2.s2.b3 object required", deleter("object"), False),
    # 2.2.s4.b1.b1 — no null values, except inside extensions.
    ("2.2.s4.b1.b1 null property", setter("result", None), False),
    ("2.2.s4.b1.b1 null nested", setter("actor.name", None), False),
    (
        "2.2.s4.b1.b1 null in extension value ok",
        setter("result.extensions", {"http://e.x/k": None}),
        True,
    ),
    # 2.2.s4.b1.b2 / b3 — numbers and booleans are typed.
    ("2.2.s4.b1.b2 string score", setter("result.score", {"scaled": "0.5"}), False),
    ("2.2.s4.b1.b3 string boolean", setter("result.success", "true"), False),
    ("2.2.s4.b1.b3 number boolean", setter("result.completion", 1), False),
    ("2.2.s4.b1.b2 boolean score", setter("result.score", {"raw": True}), False),
    # 2.2.s4.b1.b4 — format-following strings, including the empty string.
    ("2.2.s4.b1.b4 empty id", setter("id", ""), False),
    ("2.2.s4.b1.b4 bad uuid", setter("id", "not-a-uuid"), False),
    ("2.2.s4.b1.b4 uuid without dashes", setter("id", "fd41c918b88b4b20a0a5a4c32391aaa0"), False),
    ("2.2.s4.b1.b4 mbox without mailto", setter("actor.mbox", "learner@example.com"), False),
    ("2.2.s4.b1.b4 bad sha1", setter("actor", {"mbox_sha1sum": "xyz"}), False),
    ("2.2.s4.b1.b4 empty verb id", setter("verb.id", ""), False),
    # 2.2.s4.b1.b5 / b6 — case of keys and enumerated values.
    ("2.2.s4.b1.b5 key case", lambda s: s.update({"Actor": s.pop("actor")}), False),
    ("2.2.s4.b1.b6 objectType case", setter("object.objectType", "activity"), False),
    ("2.2.s4.b1.b6 actor objectType case", setter("actor.objectType", "agent"), False),
    (
        "2.2.s4.b1.b6 interactionType case",
        setter("object.definition.interactionType", "Choice"),
        False,
    ),
    # 2.2.s4.b1.b7 / b8 — unknown keys; IRIs without a scheme.
    ("2.2.s4.b1.b7 unknown top-level", setter("foo", "bar"), False),
    ("2.2.s4.b1.b7 unknown in verb", setter("verb.foo", "bar"), False),
    ("2.2.s4.b1.b7 unknown in result", setter("result.grade", "A"), False),
    ("2.2.s4.b1.b8 verb IRI no scheme", setter("verb.id", "example.com/verbs/x"), False),
    ("2.2.s4.b1.b8 activity IRI no scheme", setter("object.id", "/activities/1"), False),
    ("2.2.s4.b1.b8 IRI with spaces", setter("object.id", "http://example.com/a b"), False),
    ("2.2.s4.b1.b8 http without host", setter("object.id", "http://"), False),
    ("IRI non-ASCII ok", setter("verb.id", "http://example.com/فعل/خواندن"), True),
    ("2.2.s4.b1.b8 extension key no scheme", setter("result.extensions", {"key": 1}), False),
    # 2.2.s4.b2 — language map keys are RFC 5646 tags.
    ("2.2.s4.b2 bad language tag", setter("verb.display", {"en_US": "answered"}), False),
    ("2.2.s4.b2 language map value type", setter("verb.display", {"en": 1}), False),
    ("2.2.s4.b2 language map not object", setter("verb.display", "answered"), False),
    ("2.2.s4.b2 region tag ok", setter("verb.display", {"zh-Hans-CN": "x", "es-419": "y"}), True),
    # 2.4.2.1.s2.b1 / b2 — an Agent has exactly one IFI.
    ("2.4.2.1.s2.b1 no IFI", setter("actor", {"name": "x"}), False),
    (
        "2.4.2.1.s2.b2 two IFIs",
        setter("actor", {"mbox": "mailto:a@b.c", "openid": "http://openid.example/a"}),
        False,
    ),
    ("2.4.2.4 account needs name", setter("actor", {"account": {"homePage": "http://x.y"}}), False),
    (
        "2.4.2.4 account homePage IRL",
        setter("actor", {"account": {"homePage": "x", "name": "1"}}),
        False,
    ),
    (
        "2.4.2.4 account ok",
        setter("actor", {"account": {"homePage": "http://x.y", "name": "1"}}),
        True,
    ),
    # 2.4.2.2 — Groups.
    ("2.4.2.2.s4.b1 anonymous group needs member", setter("actor", {"objectType": "Group"}), False),
    (
        "2.4.2.2.s4.b2 no group in group",
        setter(
            "actor",
            {"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@x.y"}]},
        ),
        False,
    ),
    (
        "2.4.2.2.s5.b1 identified group one IFI",
        setter("actor", {"objectType": "Group", "mbox": "mailto:g@x.y", "openid": "http://o.x/g"}),
        False,
    ),
    (
        "2.4.2.2 identified group ok",
        setter("actor", {"objectType": "Group", "mbox": "mailto:g@x.y"}),
        True,
    ),
    (
        "2.4.2.2 anonymous group ok",
        setter("actor", {"objectType": "Group", "member": [{"mbox": "mailto:m@x.y"}]}),
        True,
    ),
    # 2.4.3 — Verb.
    ("2.4.3 verb needs id", setter("verb", {"display": {"en": "x"}}), False),
    # 2.4.4 — Objects.
    ("2.4.4.1 activity needs id", setter("object", {"objectType": "Activity"}), False),
    ("2.4.4.1 activity without objectType ok", deleter("object.objectType"), True),
    ("2.4.4.1 bad definition type IRI", setter("object.definition.type", "quiz"), False),
    ("2.4.4.1 moreInfo IRL", setter("object.definition.moreInfo", "not an irl"), False),
    (
        "2.4.4.1.s13.b1 interaction needs valid type",
        setter("object.definition.interactionType", "essay"),
        False,
    ),
    (
        "2.4.4.1.s13.b1 interaction props need interactionType",
        setter("object.definition.correctResponsesPattern", ["a"]),
        False,
    ),
    (
        "2.4.4.1.s16.b1 component ids distinct",
        setter(
            "object.definition",
            {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]},
        ),
        False,
    ),
    (
        "2.4.4.1.s13.b3 component list must fit the type",
        setter("object.definition", {"interactionType": "true-false", "choices": [{"id": "a"}]}),
        False,
    ),
    (
        "2.4.4.1 choice interaction ok",
        setter(
            "object.definition",
            {
                "interactionType": "choice",
                "correctResponsesPattern": ["a[,]b"],
                "choices": [{"id": "a", "description": {"en": "A"}}, {"id": "b"}],
            },
        ),
        True,
    ),
    (
        "2.4.4.2.s1.b1 agent object needs objectType",
        setter("object", {"mbox": "mailto:o@x.y"}),
        False,
    ),
    (
        "2.4.4.2 agent object ok",
        setter("object", {"objectType": "Agent", "mbox": "mailto:o@x.y"}),
        True,
    ),
    (
        "2.4.4.3.s4.b1 statementref needs objectType",
        setter("object", {"id": str(uuid.uuid4())}),
        False,
    ),
    (
        "2.4.4.3.s4.b2 statementref id uuid",
        setter("object", {"objectType": "StatementRef", "id": "x"}),
        False,
    ),
    ("2.4.4.3 substatement ok", setter("object", copy.deepcopy(SUB)), True),
    ("2.4.4.3.s8.b3 substatement no id", setter("object", {**SUB, "id": str(uuid.uuid4())}), False),
    (
        "2.4.4.3.s8.b3 substatement no stored",
        setter("object", {**SUB, "stored": "2020-01-01T00:00:00Z"}),
        False,
    ),
    ("2.4.4.3.s8.b3 substatement no version", setter("object", {**SUB, "version": "1.0.0"}), False),
    (
        "2.4.4.3.s8.b3 substatement no authority",
        setter("object", {**SUB, "authority": {"mbox": "mailto:a@x.y"}}),
        False,
    ),
    (
        "2.4.4.3.s8.b4 substatement not nested",
        setter("object", {**SUB, "object": dict(SUB)}),
        False,
    ),
    (
        "2.4.4.3.s8.b2 substatement validated",
        setter("object", {**SUB, "verb": {"id": "nope"}}),
        False,
    ),
    ("2.4.4 unknown objectType", setter("object.objectType", "Thing"), False),
    # 2.3.2.s2.b1 — voiding statements.
    (
        "2.3.2.s2.b1 voiding needs StatementRef",
        setter("verb", {"id": "http://adlnet.gov/expapi/verbs/voided"}),
        False,
    ),
    # 2.4.5 — Result and score.
    ("2.4.5.1 scaled above 1", setter("result.score", {"scaled": 1.01}), False),
    ("2.4.5.1 scaled below -1", setter("result.score", {"scaled": -1.5}), False),
    ("2.4.5.1 raw above max", setter("result.score", {"raw": 11, "min": 0, "max": 10}), False),
    ("2.4.5.1 raw below min", setter("result.score", {"raw": -1, "min": 0}), False),
    ("2.4.5.1 min not below max", setter("result.score", {"min": 5, "max": 5}), False),
    (
        "2.4.5.1 score ok",
        setter("result.score", {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}),
        True,
    ),
    ("4.6.s1.b1 duration format", setter("result.duration", "1 hour"), False),
    ("4.6.s1.b1 empty duration", setter("result.duration", "PT"), False),
    ("4.6 duration ok", setter("result.duration", "PT4H35M59.14S"), True),
    ("4.6 weeks ok", setter("result.duration", "P4W"), True),
    ("4.6 weeks combined", setter("result.duration", "P4W1D"), False),
    # 2.4.6 — Context.
    ("2.4.6.1 registration uuid", setter("context.registration", "abc"), False),
    (
        "2.4.6.s4.b1 revision only with Activity",
        lambda s: (
            setter("object", {"objectType": "Agent", "mbox": "mailto:o@x.y"})(s),
            setter("context.revision", "2")(s),
        ),
        False,
    ),
    (
        "2.4.6.s4.b2 platform only with Activity",
        lambda s: (
            setter("object", {"objectType": "StatementRef", "id": str(uuid.uuid4())})(s),
            setter("context.platform", "web")(s),
        ),
        False,
    ),
    ("2.4.6 revision with Activity ok", setter("context.revision", "2"), True),
    ("2.4.6 language tag", setter("context.language", "not a tag"), False),
    (
        "2.4.6.2.s4.b1 contextActivities key",
        setter("context.contextActivities", {"parents": []}),
        False,
    ),
    (
        "2.4.6.2.s4.b2 contextActivities value",
        setter("context.contextActivities", {"parent": "x"}),
        False,
    ),
    ("2.4.6 team must be Group", setter("context.team", {"mbox": "mailto:t@x.y"}), False),
    ("2.4.6 instructor Agent", setter("context.instructor", {"mbox": "mailto:i@x.y"}), True),
    (
        "2.4.6 context statement is StatementRef",
        setter("context.statement", {"id": str(uuid.uuid4())}),
        False,
    ),
    # 2.4.7 / 4.5 — Timestamps.
    ("4.5.s1.b1 timestamp not ISO", setter("timestamp", "yesterday"), False),
    ("4.5.s1.b1 date only", setter("timestamp", "2015-11-18"), False),
    ("4.5 negative zero offset", setter("timestamp", "2015-11-18T12:17:00-00:00"), False),
    ("4.5 month 13", setter("timestamp", "2015-13-18T12:17:00Z"), False),
    ("4.5 timestamp ok", setter("timestamp", "2015-11-18T12:17:00.123+05:00"), True),
    ("4.5 timestamp Z ok", setter("timestamp", "2015-11-18T12:17:00Z"), True),
    ("2.4.8 stored validated", setter("stored", "soon"), False),
    # 2.4.9 — authority.
    ("2.4.9 authority is an Agent", setter("authority", {"name": "no ifi"}), False),
    (
        "2.4.9.s3.b1 group authority has two agents",
        setter("authority", {"objectType": "Group", "member": [{"mbox": "mailto:a@x.y"}]}),
        False,
    ),
    # 2.4.10 — version.
    ("2.4.10.s3.b2 version 0.95", setter("version", "0.95"), False),
    ("2.4.10.s3.b2 version 1.1.0", setter("version", "1.1.0"), False),
    ("2.4.10.s3.b1 version 1.0.3 ok", setter("version", "1.0.3"), True),
    ("2.4.10 version type", setter("version", 1.0), False),
    # 2.4.11 — attachments.
    (
        "2.4.11 attachment needs sha2",
        setter(
            "attachments",
            [
                {
                    "usageType": "http://x.y/u",
                    "display": {"en": "a"},
                    "contentType": "text/plain",
                    "length": 1,
                }
            ],
        ),
        False,
    ),
    (
        "2.4.11 attachment length integer",
        setter(
            "attachments",
            [
                {
                    "usageType": "http://x.y/u",
                    "display": {"en": "a"},
                    "contentType": "text/plain",
                    "length": "1",
                    "sha2": "a" * 64,
                }
            ],
        ),
        False,
    ),
    (
        "2.4.11 attachment usageType IRI",
        setter(
            "attachments",
            [
                {
                    "usageType": "u",
                    "display": {"en": "a"},
                    "contentType": "text/plain",
                    "length": 1,
                    "sha2": "a" * 64,
                }
            ],
        ),
        False,
    ),
    (
        "2.6.s4.b1 signature content type",
        setter(
            "attachments",
            [
                {
                    "usageType": "http://adlnet.gov/expapi/attachments/signature",
                    "display": {"en": "sig"},
                    "contentType": "text/plain",
                    "length": 1,
                    "sha2": "a" * 64,
                }
            ],
        ),
        False,
    ),
    (
        "2.4.11 attachment ok",
        setter(
            "attachments",
            [
                {
                    "usageType": "http://x.y/u",
                    "display": {"en": "a"},
                    "contentType": "text/plain",
                    "length": 1,
                    "sha2": "a" * 64,
                    "fileUrl": "http://x.y/f",
                }
            ],
        ),
        True,
    ),
]


@pytest.mark.parametrize(
    ("requirement", "mutate", "accepted"), TABLE, ids=[row[0] for row in TABLE]
)
def test_conformance_table(requirement, mutate, accepted):
    statement = base()
    mutate(statement)
    if accepted:
        assert validate_statement(statement)["verb"] == statement["verb"]
    else:
        with pytest.raises(XAPIError) as caught:
            validate_statement(statement)
        assert caught.value.status == 400
        assert caught.value.message


@pytest.mark.parametrize("value", [None, [], "x", 3, True])
def test_statement_must_be_an_object(value):
    with pytest.raises(XAPIError):
        validate_statement(value)


def test_context_activities_are_normalized_to_arrays():
    statement = base()
    statement["context"] = {"contextActivities": {"parent": {"id": "http://example.com/quiz"}}}
    clean = validate_statement(statement)
    assert clean["context"]["contextActivities"]["parent"] == [{"id": "http://example.com/quiz"}]
    # The caller's object is left as it was.
    assert isinstance(statement["context"]["contextActivities"]["parent"], dict)


def test_substatement_context_is_normalized_too():
    statement = base()
    statement["object"] = {
        **SUB,
        "context": {"contextActivities": {"other": {"id": "http://x.y/o"}}},
    }
    clean = validate_statement(statement)
    assert clean["object"]["context"]["contextActivities"]["other"] == [{"id": "http://x.y/o"}]


def test_batch_rejects_duplicate_ids():
    with pytest.raises(XAPIError) as caught:
        validate_statement_batch([base(), base()], max_statements=10)
    assert caught.value.status == 400


def test_batch_over_limit_is_413():
    with pytest.raises(XAPIError) as caught:
        validate_statement_batch([base() for _ in range(3)], max_statements=2)
    assert caught.value.status == 413


def test_batch_is_rejected_entirely_when_one_statement_is_bad():
    bad = base()
    bad["id"] = str(uuid.uuid4())
    bad["verb"]["id"] = "no scheme"
    with pytest.raises(XAPIError) as caught:
        validate_statement_batch([base(), bad], max_statements=10)
    assert "statement[1]" in caught.value.message


def test_empty_batch_is_refused():
    with pytest.raises(XAPIError):
        validate_statement_batch([], max_statements=10)


@pytest.mark.parametrize(
    ("tag", "valid"),
    [
        ("en", True),
        ("en-US", True),
        ("zh-Hans", True),
        ("sr-Latn-RS", True),
        ("de-CH-1901", True),
        ("x-private", True),
        ("i-klingon", True),
        ("tg", True),
        ("", False),
        ("english", True),  # 5-8 letter primary subtags are reserved but well-formed
        ("e", False),
        ("en-", False),
        ("en_US", False),
        ("en-US-", False),
        ("123", False),
    ],
)
def test_language_tags(tag, valid):
    assert is_language_tag(tag) is valid


@pytest.mark.parametrize(
    ("iri", "valid"),
    [
        ("http://example.com", True),
        ("urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0", True),
        ("mailto:a@b.c", True),
        ("tag:adlnet.gov,2013:expapi:0.9:activities:x", True),
        ("example.com", False),
        ("://example.com", False),
        ("http:example.com", False),
        ("http://exa mple.com", False),
        ("http://example.com/<script>", False),
        ("", False),
    ],
)
def test_iris(iri, valid):
    assert is_iri(iri) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("PT1H0M0S", True),
        ("P3Y1M29DT4H35M59.14S", True),
        ("P3Y", True),
        ("P", False),
        ("PT1.5", False),
        ("P1H", False),
    ],
)
def test_durations(value, valid):
    assert is_duration(value) is valid


def test_timestamps_compare_as_instants():
    assert parse_timestamp("2015-11-18T12:17:00+05:00") == parse_timestamp("2015-11-18T07:17:00Z")
    assert parse_timestamp("2015-11-18T07:17:00") == parse_timestamp("2015-11-18T07:17:00.000Z")


def test_agent_parameter_rejects_malformed_json_and_anonymous_groups():
    with pytest.raises(XAPIError):
        parse_agent_parameter("{not json")
    with pytest.raises(XAPIError):
        parse_agent_parameter('{"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]}')
    agent = parse_agent_parameter('{"mbox": "mailto:a@EXAMPLE.com"}')
    assert agent_ifi(agent) == "mbox:mailto:a@example.com"


def test_statement_comparison_ignores_lrs_assigned_properties():
    stored = validate_statement(base())
    stored.update(
        {
            "stored": "2020-01-01T00:00:00.000Z",
            "timestamp": "2020-01-01T00:00:00.000Z",
            "version": "1.0.0",
        }
    )
    stored["authority"] = {"mbox": "mailto:lrs@example.com"}
    received = base()
    received["verb"]["display"] = {"en": "different display"}
    assert statements_match(stored, received)
    received["result"] = {"success": True}
    assert not statements_match(stored, received)


def test_statement_comparison_sees_different_timestamps():
    stored = dict(validate_statement(base()), timestamp="2020-01-01T00:00:00Z")
    received = dict(base(), timestamp="2020-01-01T05:00:00+05:00")
    assert statements_match(stored, received)
    received["timestamp"] = "2021-01-01T00:00:00Z"
    assert not statements_match(stored, received)
