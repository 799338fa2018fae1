"""The Context of a Statement (xAPI Data 2.4.6), normalized as the LRS must return it."""

from __future__ import annotations

from typing import Any

from .actors import validate_actor, validate_group
from .checks import check_extensions, check_keys, check_string, check_uuid, fail, require_object
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
CONTEXT_ACTIVITY_KINDS = ("parent", "grouping", "category", "other")


def validate_context(value: Any, object_is_activity: bool, path: str = "context") -> dict:
    """Validate a context; returns a copy with contextActivities values as arrays."""
    obj = dict(require_object(value, path))
    check_keys(obj, _CONTEXT_KEYS, path)
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
