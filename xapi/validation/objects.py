"""Verbs and the simple objects of a Statement (xAPI Data 2.4.3, 2.4.4): Activities with
their definitions and interaction components, and StatementRefs.

Agents and Groups as objects are validated in `actors`; SubStatements in `statements`.
"""

from __future__ import annotations

from typing import Any

from .checks import (
    check_extensions,
    check_iri,
    check_keys,
    check_language_map,
    check_string,
    check_uuid,
    fail,
    require_object,
)

_INTERACTION_TYPES = {
    "true-false": set(),
    "choice": {"choices"},
    "fill-in": set(),
    "long-fill-in": set(),
    "matching": {"source", "target"},
    "performance": {"steps"},
    "sequencing": {"choices"},
    "likert": {"scale"},
    "numeric": set(),
    "other": set(),
}
_COMPONENT_LISTS = {"choices", "scale", "source", "target", "steps"}
_DEFINITION_KEYS = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
} | _COMPONENT_LISTS


def validate_verb(value: Any, path: str = "verb") -> dict:
    obj = require_object(value, path)
    check_keys(obj, {"id", "display"}, path, ("id",))
    check_iri(obj["id"], f"{path}.id")
    if "display" in obj:
        check_language_map(obj["display"], f"{path}.display")
    return obj


def validate_activity_definition(value: Any, path: str) -> dict:
    obj = require_object(value, path)
    check_keys(obj, _DEFINITION_KEYS, path)
    for key in ("name", "description"):
        if key in obj:
            check_language_map(obj[key], f"{path}.{key}")
    if "type" in obj:
        check_iri(obj["type"], f"{path}.type")
    if "moreInfo" in obj:
        check_iri(obj["moreInfo"], f"{path}.moreInfo")
    if "extensions" in obj:
        check_extensions(obj["extensions"], f"{path}.extensions")
    interaction_type = obj.get("interactionType")
    interaction_keys = (_COMPONENT_LISTS | {"correctResponsesPattern"}) & obj.keys()
    if interaction_type is None:
        if interaction_keys:
            raise fail(path, '"interactionType" is required for interaction properties')
        return obj
    # Checked as a string first: an object or array here is unhashable, and a lookup in the
    # table would raise TypeError instead of refusing the Statement.
    if not isinstance(interaction_type, str) or interaction_type not in _INTERACTION_TYPES:
        raise fail(f"{path}.interactionType", "is not a valid interaction type")
    if "correctResponsesPattern" in obj:
        pattern = obj["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise fail(f"{path}.correctResponsesPattern", "must be an array of strings")
    for key in _COMPONENT_LISTS & obj.keys():
        if key not in _INTERACTION_TYPES[interaction_type]:
            raise fail(
                f"{path}.{key}", f'is not supported for interactionType "{interaction_type}"'
            )
        components = obj[key]
        if not isinstance(components, list):
            raise fail(f"{path}.{key}", "must be an array of interaction components")
        seen: set[str] = set()
        for index, component in enumerate(components):
            component_path = f"{path}.{key}[{index}]"
            component = require_object(component, component_path)
            check_keys(component, {"id", "description"}, component_path, ("id",))
            check_string(component["id"], f"{component_path}.id")
            if component["id"] in seen:
                raise fail(f"{component_path}.id", "interaction component ids must be distinct")
            seen.add(component["id"])
            if "description" in component:
                check_language_map(component["description"], f"{component_path}.description")
    return obj


def validate_activity(value: Any, path: str) -> dict:
    obj = require_object(value, path)
    check_keys(obj, {"objectType", "id", "definition"}, path, ("id",))
    if "objectType" in obj and obj["objectType"] != "Activity":
        raise fail(f"{path}.objectType", 'must be "Activity"')
    check_iri(obj["id"], f"{path}.id")
    if "definition" in obj:
        validate_activity_definition(obj["definition"], f"{path}.definition")
    return obj


def validate_statement_ref(value: Any, path: str) -> dict:
    obj = require_object(value, path)
    check_keys(obj, {"objectType", "id"}, path, ("objectType", "id"))
    if obj["objectType"] != "StatementRef":
        raise fail(f"{path}.objectType", 'must be "StatementRef"')
    check_uuid(obj["id"], f"{path}.id")
    return obj
