"""The Context of a Statement (xAPI Data 2.4.6), normalized as the LRS must return it.

xAPI 2.0 (IEEE 9274.1.1, ADR 0045) adds `contextAgents` and `contextGroups`: arrays of
`{"objectType": "contextAgent", "agent": Agent, "relevantTypes": [IRI, ...]}` and of
`{"objectType": "contextGroup", "group": Group, "relevantTypes": [...]}`, where
`relevantTypes`, when present, is a non-empty array of IRIs. Under 1.0.3 they are unknown
properties, refused like any other.
"""

from __future__ import annotations

from typing import Any

from .actors import validate_actor, validate_agent, validate_group
from .checks import (
    check_extensions,
    check_iri,
    check_keys,
    check_string,
    check_uuid,
    fail,
    require_object,
)
from .formats import is_language_tag
from .objects import validate_activity, validate_statement_ref

_CONTEXT_KEYS = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
_CONTEXT_KEYS_2_0 = _CONTEXT_KEYS | {"contextAgents", "contextGroups"}
CONTEXT_ACTIVITY_KINDS = ("parent", "grouping", "category", "other")
# property -> (the objectType each item must have, the member holding its actor, its check)
_CONTEXT_ACTORS = {
    "contextAgents": ("contextAgent", "agent", validate_agent),
    "contextGroups": ("contextGroup", "group", validate_group),
}


def _validate_context_actors(value: Any, key: str, path: str) -> None:
    object_type, member, validate = _CONTEXT_ACTORS[key]
    if not isinstance(value, list):
        raise fail(path, f'must be an array of "{object_type}" objects')
    for index, item in enumerate(value):
        item_path = f"{path}[{index}]"
        obj = require_object(item, item_path)
        check_keys(obj, {"objectType", member, "relevantTypes"}, item_path, ("objectType", member))
        if obj["objectType"] != object_type:
            raise fail(f"{item_path}.objectType", f'must be "{object_type}"')
        validate(obj[member], f"{item_path}.{member}")
        if "relevantTypes" in obj:
            types = obj["relevantTypes"]
            if not isinstance(types, list) or not types:
                raise fail(f"{item_path}.relevantTypes", "must be a non-empty array of IRIs")
            for type_index, iri in enumerate(types):
                check_iri(iri, f"{item_path}.relevantTypes[{type_index}]")


def validate_context(
    value: Any, object_is_activity: bool, path: str = "context", *, xapi_2_0: bool = False
) -> dict:
    """Validate a context; returns a copy with contextActivities values as arrays.

    `xapi_2_0` allows the properties xAPI 2.0 added (`contextAgents`, `contextGroups`).
    """
    obj = dict(require_object(value, path))
    check_keys(obj, _CONTEXT_KEYS_2_0 if xapi_2_0 else _CONTEXT_KEYS, path)
    for key in _CONTEXT_ACTORS:
        if key in obj:
            _validate_context_actors(obj[key], key, f"{path}.{key}")
    if "registration" in obj:
        check_uuid(obj["registration"], f"{path}.registration")
    if "instructor" in obj:
        validate_actor(obj["instructor"], f"{path}.instructor")
    if "team" in obj:
        validate_group(obj["team"], f"{path}.team")
    for key in ("revision", "platform"):
        if key in obj:
            if not object_is_activity:
                raise fail(f"{path}.{key}", "may only be used when the object is an Activity")
            check_string(obj[key], f"{path}.{key}")
    if "language" in obj and not is_language_tag(obj["language"]):
        raise fail(f"{path}.language", "is not an RFC 5646 language tag")
    if "statement" in obj:
        validate_statement_ref(obj["statement"], f"{path}.statement")
    if "extensions" in obj:
        check_extensions(obj["extensions"], f"{path}.extensions")
    if "contextActivities" in obj:
        activities_path = f"{path}.contextActivities"
        raw = require_object(obj["contextActivities"], activities_path)
        check_keys(raw, set(CONTEXT_ACTIVITY_KINDS), activities_path)
        normalized = {}
        for kind, entries in raw.items():
            entries = entries if isinstance(entries, list) else [entries]
            for index, entry in enumerate(entries):
                validate_activity(entry, f"{activities_path}.{kind}[{index}]")
            normalized[kind] = entries
        obj["contextActivities"] = normalized
    return obj
