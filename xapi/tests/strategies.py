"""Hypothesis strategies for hostile xAPI input: statements across the Data schema, valid-ish
and then broken in one place, arbitrary JSON, and the parameters of every resource.

Valid-ish values come first in each `one_of`, so Hypothesis shrinks a failure towards a
plausible request a client could really send.
"""

import json
import string
import uuid

from django.conf import settings
from hypothesis import strategies as st

# Text a request can carry: no lone surrogates, which no client can encode in UTF-8.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
SHORT_ASCII = st.text(string.ascii_letters + string.digits + "-._~:/?#@!$&'()*+,;=%", max_size=12)

UUIDS = st.uuids().map(str)
VALID_IRIS = st.one_of(
    st.sampled_from(
        [
            "http://example.com/activities/q1",
            "https://example.org/a?b=c#d",
            "urn:uuid:" + str(uuid.UUID(int=7)),
            "mailto:x@example.com",
            # The homePage of Ilm's own users' accounts, so actors name learners too.
            settings.SITE_URL,
        ]
    ),
    st.builds("http://example.com/{}".format, st.from_regex(r"[a-z0-9/._-]{0,12}", fullmatch=True)),
)
# one_of picks its branches evenly: repeating the valid one makes most values plausible, so
# most statements get past the first check and exercise the store behind it.
IRIS = st.one_of(VALID_IRIS, VALID_IRIS, VALID_IRIS, SHORT_ASCII, TEXT)
TIMESTAMPS = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda value: value.isoformat()),
    st.sampled_from(
        [
            "2024-02-30T10:00:00Z",
            "9999-12-31T23:59:59-05:00",
            "0001-01-01T00:00:00+01:00",
            "2024-01-01T00:00:00-00:00",
            "2024-01-01",
            "2024-01-01T00:00:00Z\n",
        ]
    ),
    TEXT,
)
LANGUAGE_MAPS = st.dictionaries(
    st.one_of(st.sampled_from(["en", "en-US", "ru", "zh-Hans", "tg-Cyrl-TJ"]), TEXT),
    TEXT,
    max_size=3,
)
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(TEXT, children, max_size=4)
    ),
    max_leaves=12,
)


def _agents():
    ifi = st.one_of(
        st.builds(
            lambda name: {"mbox": f"mailto:{name}@example.com"},
            st.from_regex(r"[a-z]{1,8}", fullmatch=True),
        ),
        st.just({"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"}),
        st.builds(lambda iri: {"openid": iri}, IRIS),
        st.builds(
            lambda home, name: {"account": {"homePage": home, "name": name}},
            IRIS,
            st.one_of(st.integers(0, 50).map(str), st.integers(0, 10**30).map(str), TEXT),
        ),
    )
    return st.builds(
        lambda identifier, extra: {**identifier, **extra},
        ifi,
        st.fixed_dictionaries({}, optional={"objectType": st.just("Agent"), "name": TEXT}),
    )


AGENTS = _agents()
GROUPS = st.builds(
    lambda members, extra: {"objectType": "Group", "member": members, **extra},
    st.lists(AGENTS, min_size=1, max_size=3),
    st.one_of(st.just({}), AGENTS.map(lambda a: {k: v for k, v in a.items() if k != "objectType"})),
)
ACTORS = st.one_of(AGENTS, GROUPS)

COMPONENTS = st.lists(
    st.fixed_dictionaries({"id": TEXT}, optional={"description": LANGUAGE_MAPS}), max_size=3
)
DEFINITIONS = st.fixed_dictionaries(
    {},
    optional={
        "name": LANGUAGE_MAPS,
        "description": LANGUAGE_MAPS,
        "type": IRIS,
        "moreInfo": IRIS,
        "extensions": st.dictionaries(IRIS, ANY_JSON, max_size=2),
        "interactionType": st.sampled_from(
            ["choice", "true-false", "fill-in", "likert", "matching", "performance", "other"]
        ),
        "correctResponsesPattern": st.lists(TEXT, max_size=3),
        "choices": COMPONENTS,
        "scale": COMPONENTS,
        "source": COMPONENTS,
        "target": COMPONENTS,
        "steps": COMPONENTS,
    },
)
ACTIVITIES = st.fixed_dictionaries(
    {"id": IRIS}, optional={"objectType": st.just("Activity"), "definition": DEFINITIONS}
)
VERBS = st.fixed_dictionaries(
    {"id": st.one_of(IRIS, IRIS, IRIS, st.just("http://adlnet.gov/expapi/verbs/voided"))},
    optional={"display": LANGUAGE_MAPS},
)
STATEMENT_REFS = st.builds(lambda ref: {"objectType": "StatementRef", "id": ref}, UUIDS)
RESULTS = st.fixed_dictionaries(
    {},
    optional={
        "score": st.fixed_dictionaries(
            {},
            optional={
                "scaled": st.floats(-2, 2),
                "raw": st.integers(-10, 10),
                "min": st.integers(-10, 10),
                "max": st.integers(-10, 10),
            },
        ),
        "success": st.booleans(),
        "completion": st.booleans(),
        "response": TEXT,
        "duration": st.one_of(st.sampled_from(["PT1S", "P1W", "PT1.5M", "P"]), TEXT),
        "extensions": st.dictionaries(IRIS, ANY_JSON, max_size=2),
    },
)
CONTEXTS = st.fixed_dictionaries(
    {},
    optional={
        "registration": st.one_of(UUIDS, TEXT),
        "instructor": ACTORS,
        "team": GROUPS,
        "contextActivities": st.dictionaries(
            st.sampled_from(["parent", "grouping", "category", "other"]),
            st.one_of(ACTIVITIES, st.lists(ACTIVITIES, max_size=2)),
            max_size=2,
        ),
        "revision": TEXT,
        "platform": TEXT,
        "language": st.one_of(st.just("en-US"), TEXT),
        "statement": STATEMENT_REFS,
        "extensions": st.dictionaries(IRIS, ANY_JSON, max_size=2),
    },
)
ATTACHMENTS = st.lists(
    st.fixed_dictionaries(
        {
            "usageType": st.one_of(st.just("http://adlnet.gov/expapi/attachments/signature"), IRIS),
            "display": LANGUAGE_MAPS,
            "contentType": st.sampled_from(["text/plain", "application/octet-stream", "x"]),
            "length": st.integers(-1, 100),
            "sha2": st.one_of(st.just("ab" * 32), TEXT),
        },
        optional={"fileUrl": IRIS, "description": LANGUAGE_MAPS},
    ),
    max_size=2,
)


def _body(object_strategy, *, contexts=CONTEXTS, timestamps=TIMESTAMPS, results=RESULTS):
    return st.fixed_dictionaries(
        {"actor": ACTORS, "verb": VERBS, "object": object_strategy},
        optional={
            "result": results,
            "context": contexts,
            "timestamp": timestamps,
            "attachments": ATTACHMENTS,
        },
    )


SUBSTATEMENTS = _body(st.one_of(ACTIVITIES, AGENTS, GROUPS, STATEMENT_REFS)).map(
    lambda body: {"objectType": "SubStatement", **body}
)
STATEMENTS = st.builds(
    lambda body, extra: {**body, **extra},
    _body(st.one_of(ACTIVITIES, AGENTS, GROUPS, STATEMENT_REFS, SUBSTATEMENTS)),
    st.fixed_dictionaries(
        {},
        optional={
            "id": st.one_of(UUIDS, UUIDS, TEXT),
            "version": st.sampled_from(["1.0.0", "1.0", "1.0.3", "2.0.0", "1.0.0\n"]),
            "authority": st.one_of(AGENTS, GROUPS),
            "stored": TIMESTAMPS,
        },
    ),
)


# --- xAPI 2.0: context agents and groups, zone-less timestamps, durations, versions --------

RELEVANT_TYPES = st.one_of(st.lists(IRIS, min_size=1, max_size=2), st.just([]), ANY_JSON)
CONTEXT_AGENT_ITEMS = st.fixed_dictionaries(
    {
        "objectType": st.sampled_from(["contextAgent", "contextAgent", "contextGroup"]),
        "agent": ACTORS,
    },
    optional={"relevantTypes": RELEVANT_TYPES},
)
CONTEXT_GROUP_ITEMS = st.fixed_dictionaries(
    {
        "objectType": st.sampled_from(["contextGroup", "contextGroup", "contextAgent"]),
        "group": ACTORS,
    },
    optional={"relevantTypes": RELEVANT_TYPES},
)
CONTEXTS_2_0 = st.builds(
    lambda context, extra: {**context, **extra},
    CONTEXTS,
    st.fixed_dictionaries(
        {},
        optional={
            "contextAgents": st.lists(CONTEXT_AGENT_ITEMS, max_size=2),
            "contextGroups": st.lists(CONTEXT_GROUP_ITEMS, max_size=2),
        },
    ),
)
TIMESTAMPS_2_0 = st.one_of(
    TIMESTAMPS,
    st.datetimes().map(lambda value: value.isoformat()),
    st.datetimes(timezones=st.timezones()).map(lambda value: value.isoformat(sep=" ")),
)
RESULTS_2_0 = st.builds(
    lambda result, duration: {**result, "duration": duration},
    RESULTS,
    st.one_of(st.sampled_from(["PT1.5H30M", "P1DT1.5H", "P4W1D", "PT0.01S", "P1.5Y", "PT"]), TEXT),
)
SUBSTATEMENTS_2_0 = _body(
    st.one_of(ACTIVITIES, AGENTS, GROUPS, STATEMENT_REFS),
    contexts=CONTEXTS_2_0,
    timestamps=TIMESTAMPS_2_0,
    results=st.one_of(RESULTS, RESULTS_2_0),
).map(lambda body: {"objectType": "SubStatement", **body})
STATEMENTS_2_0 = st.builds(
    lambda body, extra: {**body, **extra},
    _body(
        st.one_of(ACTIVITIES, AGENTS, GROUPS, STATEMENT_REFS, SUBSTATEMENTS_2_0),
        contexts=CONTEXTS_2_0,
        timestamps=TIMESTAMPS_2_0,
        results=st.one_of(RESULTS, RESULTS_2_0),
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "id": st.one_of(UUIDS, UUIDS, TEXT),
            "version": st.sampled_from(["2.0.0", "2.0", "1.0.3", "2.1.0", "3.0.0", "2.0.0 "]),
            "authority": st.one_of(AGENTS, GROUPS),
            "stored": TIMESTAMPS_2_0,
        },
    ),
)


def _paths(value, prefix=()):
    """Every (path, value) inside a JSON value, the root included."""
    yield prefix, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _replace(value, path, new):
    if not path:
        return new
    head, *rest = path
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replace(value[head], rest, new)
    return copy


@st.composite
def broken(draw, valid_ish):
    """A valid-ish value with at most one place replaced by arbitrary JSON, or removed."""
    value = draw(valid_ish)
    paths = [path for path, _ in _paths(value)]
    path = draw(st.sampled_from(paths))
    action = draw(st.sampled_from(["keep", "replace", "remove"]))
    if action == "keep" or (action == "remove" and not path):
        return value
    if action == "replace":
        return _replace(value, path, draw(ANY_JSON))
    container = value
    for key in path[:-1]:
        container = container[key]
    pruned = dict(container) if isinstance(container, dict) else list(container)
    del pruned[path[-1]]
    return _replace(value, path[:-1], pruned)


STATEMENT_BODIES = st.one_of(
    broken(STATEMENTS),
    st.lists(broken(STATEMENTS), max_size=3),
    ANY_JSON,
)
STATEMENT_BODIES_2_0 = st.one_of(
    broken(STATEMENTS_2_0),
    st.lists(broken(STATEMENTS_2_0), max_size=3),
    broken(STATEMENTS),
    ANY_JSON,
)
RAW_BODIES = st.one_of(
    STATEMENT_BODIES.map(lambda body: json.dumps(body).encode()),
    st.sampled_from(
        [
            b"",
            b"{",
            b"NaN",
            b'{"actor": Infinity}',
            b"[" * 5000,
            b'{"a": 1e400}',
            b'"\\u0000"',
            b'{"id": "\\ud800"}',
            b"\xff\xfe",
        ]
    ),
    st.binary(max_size=40),
)

AGENT_PARAMS = st.one_of(
    broken(AGENTS).map(json.dumps), broken(GROUPS).map(json.dumps), ANY_JSON.map(json.dumps), TEXT
)
PARAM_VALUES = st.one_of(
    UUIDS,
    IRIS,
    TIMESTAMPS_2_0,
    AGENT_PARAMS,
    st.sampled_from(["true", "false", "ids", "exact", "canonical", "0", "10", "-1", "²"]),
    TEXT,
)
STATEMENT_QUERY_NAMES = [
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "cursor",
]
DOCUMENT_QUERY_NAMES = ["activityId", "agent", "registration", "stateId", "profileId", "since"]


def queries(names):
    """Query strings built mostly from a resource's own parameter names."""
    return st.dictionaries(
        st.one_of(st.sampled_from(names), st.sampled_from(["method", "Agent", "x"]), TEXT),
        PARAM_VALUES,
        max_size=5,
    )
