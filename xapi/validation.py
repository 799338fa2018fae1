"""Statement validation for xAPI 1.0.3 (Part Two, "Data"), as plain Python.

`validate_statement` checks a parsed JSON value against the structure the specification
demands and returns a normalized copy (contextActivities values become arrays, as the LRS
MUST return them). Every rejection raises `XAPIError` carrying the HTTP status the
specification names (400 for malformed data) and a message that points at the offending
property, so a Learning Record Provider can fix its data.

Nothing here knows about requests or the database: the views translate `XAPIError` into
an HTTP answer, and the services call these functions before they write anything.

Validation is best-effort where the specification allows it (IRIs, language tags): we check
the syntax that can be checked cheaply and reject anything without a scheme, with
whitespace or with characters RFC 3987 never allows.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE_TYPE = "http://adlnet.gov/expapi/attachments/signature"
STATEMENT_VERSION_DEFAULT = "1.0.0"


class XAPIError(Exception):
    """A request the LRS must refuse, with the HTTP status the specification names."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def _fail(path: str, problem: str, status: int = 400) -> XAPIError:
    return XAPIError(f"{path}: {problem}" if path else problem, status)


# --- scalar formats -------------------------------------------------------------------------

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Characters RFC 3987 never allows unescaped in an IRI, plus whitespace and controls.
_IRI_FORBIDDEN_RE = re.compile(r"[\x00-\x20\x7f<>\"{}|\\^`]")
_MAILTO_RE = re.compile(r"^mailto:[^@\s:/]+@[^@\s/]+\.?[^@\s/]*$")
_SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
# SHA-224/256/384/512 in hex.
_SHA2_RE = re.compile(r"^(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$")
_MEDIA_TYPE_RE = re.compile(r"^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(\s*;.*)?$")
_VERSION_RE = re.compile(r"^1\.0\.\d+$")

# ISO 8601 combined date and time in the extended format (the RFC 3339 profile, with the
# offset optional). Basic format and date-only values are refused: they are not "combined
# date and time representations" an LRS can compare reliably.
_TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"([Zz]|[+\-]\d{2}(?::?\d{2})?)?$"
)
_NUM = r"(?:\d+(?:[.,]\d+)?)"
_DURATION_RE = re.compile(
    rf"^P(?!$)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$"
)
_DURATION_WEEKS_RE = re.compile(rf"^P{_NUM}W$")

# RFC 5646 "Language-Tag" ABNF, case-insensitive.
_ALNUM = "[a-z0-9]"
_LANGTAG = (
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language (+ extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|\d{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|\d{_ALNUM}{{3}}))*"  # variants
    rf"(?:-[0-9a-wy-z](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    rf"(?:-x(?:-{_ALNUM}{{1,8}})+)?"  # private use
)
_LANGUAGE_TAG_RE = re.compile(rf"^(?:{_LANGTAG}|x(?:-{_ALNUM}{{1,8}})+)$", re.IGNORECASE)
_GRANDFATHERED = {
    tag.lower()
    for tag in [
        "en-GB-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "sgn-BE-FR",
        "sgn-BE-NL",
        "sgn-CH-DE",
        "art-lojban",
        "cel-gaulish",
        "no-bok",
        "no-nyn",
        "zh-guoyu",
        "zh-hakka",
        "zh-min",
        "zh-min-nan",
        "zh-xiang",
    ]
}


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID_RE.match(value))


def is_iri(value: Any) -> bool:
    """Best-effort IRI check: a scheme, no forbidden characters, a host for http(s)."""
    if not isinstance(value, str) or not _SCHEME_RE.match(value):
        return False
    if _IRI_FORBIDDEN_RE.search(value):
        return False
    scheme, _, rest = value.partition(":")
    if scheme.lower() in {"http", "https"}:
        if not rest.startswith("//"):
            return False
        host = rest[2:].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        host = host.rsplit("@", 1)[-1]
        if not host or host.startswith(":"):
            return False
    return bool(rest)


def is_language_tag(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    return bool(_LANGUAGE_TAG_RE.match(value)) or value.lower() in _GRANDFATHERED


def is_duration(value: Any) -> bool:
    return isinstance(value, str) and bool(
        _DURATION_RE.match(value) or _DURATION_WEEKS_RE.match(value)
    )


def parse_timestamp(value: Any) -> dt.datetime:
    """Parse an ISO 8601 timestamp; naive values are read as UTC. Raises ValueError."""
    if not isinstance(value, str):
        raise ValueError("not a string")
    match = _TIMESTAMP_RE.match(value)
    if not match:
        raise ValueError("not an ISO 8601 combined date and time")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    # RFC 3339 reserves "-00:00" for "offset unknown"; it names no point in time.
    if offset and offset[0] == "-" and set(offset[1:].replace(":", "")) == {"0"}:
        raise ValueError("the offset -00:00 does not name a point in time")
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz = dt.UTC
    if offset and offset not in {"Z", "z"}:
        digits = offset[1:].replace(":", "")
        delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        if delta >= dt.timedelta(hours=24):
            raise ValueError("offset out of range")
        tz = dt.timezone(delta if offset[0] == "+" else -delta)
    return dt.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tz
    ).astimezone(dt.UTC)


def format_timestamp(value: dt.datetime) -> str:
    """UTC, millisecond precision, as the LRS returns `stored` and consistency headers."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


# --- helpers ------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    # JSON true/false arrive as Python bools, which are ints: they are not numbers here.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _require_object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    return value


def _check_keys(obj: dict, allowed: set[str], path: str, required: tuple[str, ...] = ()) -> None:
    for key, value in obj.items():
        if key not in allowed:
            raise _fail(f"{path}.{key}" if path else key, "is not a property allowed here")
        if value is None:
            raise _fail(f"{path}.{key}" if path else key, "must not be null")
    for key in required:
        if key not in obj:
            raise _fail(path, f'"{key}" is required')


def _check_string(value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise _fail(path, "must be a string")


def _check_iri(value: Any, path: str) -> None:
    if not is_iri(value):
        raise _fail(path, "must be an absolute IRI with a scheme")


def _check_uuid(value: Any, path: str) -> None:
    if not is_uuid(value):
        raise _fail(path, "must be a UUID in standard string form")


def check_language_map(value: Any, path: str) -> None:
    obj = _require_object(value, path)
    for key, text in obj.items():
        if not is_language_tag(key):
            raise _fail(f"{path}.{key}", "is not an RFC 5646 language tag")
        if not isinstance(text, str):
            raise _fail(f"{path}.{key}", "must be a string")


def _check_extensions(value: Any, path: str) -> None:
    obj = _require_object(value, path)
    for key in obj:
        # Values are free: "An LRS MUST NOT reject a Statement based on the values".
        if not is_iri(key):
            raise _fail(f"{path}.{key}", "extension keys must be IRIs")


def _check_timestamp(value: Any, path: str) -> None:
    try:
        parse_timestamp(value)
    except ValueError as exc:
        raise _fail(path, f"must be an ISO 8601 timestamp ({exc})") from None


# --- agents and groups -------------------------------------------------------------------

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
_AGENT_KEYS = {"objectType", "name", *IFI_KEYS}
_GROUP_KEYS = _AGENT_KEYS | {"member"}


def _check_ifi(obj: dict, path: str, *, required: bool) -> None:
    present = [key for key in IFI_KEYS if key in obj]
    if len(present) > 1:
        raise _fail(
            path, "must use exactly one inverse functional identifier, found " + ", ".join(present)
        )
    if not present:
        if required:
            raise _fail(
                path,
                "needs one inverse functional identifier (mbox, mbox_sha1sum, openid or account)",
            )
        return
    key = present[0]
    value = obj[key]
    if key == "mbox":
        if not isinstance(value, str) or not _MAILTO_RE.match(value):
            raise _fail(f"{path}.mbox", 'must be a "mailto:" IRI')
    elif key == "mbox_sha1sum":
        if not isinstance(value, str) or not _SHA1_RE.match(value):
            raise _fail(f"{path}.mbox_sha1sum", "must be a hex-encoded SHA-1 hash")
    elif key == "openid":
        _check_iri(value, f"{path}.openid")
    else:
        account = _require_object(value, f"{path}.account")
        _check_keys(account, {"homePage", "name"}, f"{path}.account", ("homePage", "name"))
        _check_iri(account["homePage"], f"{path}.account.homePage")
        _check_string(account["name"], f"{path}.account.name")


def validate_agent(value: Any, path: str, *, object_type_required: bool = False) -> dict:
    """Validate an Agent object (objectType optional unless it is a Statement's object)."""
    obj = _require_object(value, path)
    _check_keys(obj, _AGENT_KEYS, path)
    object_type = obj.get("objectType")
    if object_type_required and object_type is None:
        raise _fail(path, '"objectType" is required when an Agent is the object')
    if object_type is not None and object_type != "Agent":
        raise _fail(f"{path}.objectType", 'must be "Agent"')
    if "name" in obj:
        _check_string(obj["name"], f"{path}.name")
    _check_ifi(obj, path, required=True)
    return obj


def validate_group(value: Any, path: str) -> dict:
    obj = _require_object(value, path)
    _check_keys(obj, _GROUP_KEYS, path)
    if obj.get("objectType") != "Group":
        raise _fail(f"{path}.objectType", 'must be "Group"')
    if "name" in obj:
        _check_string(obj["name"], f"{path}.name")
    identified = any(key in obj for key in IFI_KEYS)
    _check_ifi(obj, path, required=False)
    if not identified and "member" not in obj:
        raise _fail(path, 'an anonymous Group must list its "member" Agents')
    if "member" in obj:
        members = obj["member"]
        if not isinstance(members, list):
            raise _fail(f"{path}.member", "must be an array of Agents")
        if not identified and not members:
            raise _fail(f"{path}.member", "an anonymous Group needs at least one member")
        for index, member in enumerate(members):
            member_path = f"{path}.member[{index}]"
            if isinstance(member, dict) and member.get("objectType") == "Group":
                raise _fail(member_path, "a Group must not contain Groups")
            validate_agent(member, member_path)
    return obj


def validate_actor(value: Any, path: str, *, object_type_required: bool = False) -> dict:
    obj = _require_object(value, path)
    if obj.get("objectType") == "Group":
        return validate_group(obj, path)
    return validate_agent(obj, path, object_type_required=object_type_required)


def agent_ifi(agent: dict) -> str:
    """A canonical string naming the Agent or identified Group: the key we index agents by."""
    if "mbox" in agent:
        return "mbox:" + _lower_mailto_domain(agent["mbox"])
    if "mbox_sha1sum" in agent:
        return "mbox_sha1sum:" + agent["mbox_sha1sum"].lower()
    if "openid" in agent:
        return "openid:" + agent["openid"]
    if "account" in agent:
        return "account:" + agent["account"]["homePage"] + "|" + agent["account"]["name"]
    return ""


def _lower_mailto_domain(mbox: str) -> str:
    # The domain part of an email address is case-insensitive (Data 2.3.1, case exception).
    local, _, domain = mbox.rpartition("@")
    return f"{local}@{domain.lower()}"


def parse_agent_parameter(raw: str, name: str = "agent", *, allow_group: bool = True) -> dict:
    """Parse and validate an Agent (or identified Group) passed as a JSON query parameter."""
    import json

    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        raise _fail(name, "must be a JSON Agent object") from None
    if allow_group and isinstance(value, dict) and value.get("objectType") == "Group":
        group = validate_group(value, name)
        if not agent_ifi(group):
            raise _fail(name, "an anonymous Group cannot be used as a parameter")
        return group
    return validate_agent(value, name)


# --- verb, activities -----------------------------------------------------------------------

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
    obj = _require_object(value, path)
    _check_keys(obj, {"id", "display"}, path, ("id",))
    _check_iri(obj["id"], f"{path}.id")
    if "display" in obj:
        check_language_map(obj["display"], f"{path}.display")
    return obj


def validate_activity_definition(value: Any, path: str) -> dict:
    obj = _require_object(value, path)
    _check_keys(obj, _DEFINITION_KEYS, path)
    for key in ("name", "description"):
        if key in obj:
            check_language_map(obj[key], f"{path}.{key}")
    if "type" in obj:
        _check_iri(obj["type"], f"{path}.type")
    if "moreInfo" in obj:
        _check_iri(obj["moreInfo"], f"{path}.moreInfo")
    if "extensions" in obj:
        _check_extensions(obj["extensions"], f"{path}.extensions")
    interaction_type = obj.get("interactionType")
    interaction_keys = (_COMPONENT_LISTS | {"correctResponsesPattern"}) & obj.keys()
    if interaction_type is None:
        if interaction_keys:
            raise _fail(path, '"interactionType" is required for interaction properties')
        return obj
    if interaction_type not in _INTERACTION_TYPES:
        raise _fail(f"{path}.interactionType", "is not a valid interaction type")
    if "correctResponsesPattern" in obj:
        pattern = obj["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise _fail(f"{path}.correctResponsesPattern", "must be an array of strings")
    for key in _COMPONENT_LISTS & obj.keys():
        if key not in _INTERACTION_TYPES[interaction_type]:
            raise _fail(
                f"{path}.{key}", f'is not supported for interactionType "{interaction_type}"'
            )
        components = obj[key]
        if not isinstance(components, list):
            raise _fail(f"{path}.{key}", "must be an array of interaction components")
        seen: set[str] = set()
        for index, component in enumerate(components):
            component_path = f"{path}.{key}[{index}]"
            component = _require_object(component, component_path)
            _check_keys(component, {"id", "description"}, component_path, ("id",))
            _check_string(component["id"], f"{component_path}.id")
            if component["id"] in seen:
                raise _fail(f"{component_path}.id", "interaction component ids must be distinct")
            seen.add(component["id"])
            if "description" in component:
                check_language_map(component["description"], f"{component_path}.description")
    return obj


def validate_activity(value: Any, path: str) -> dict:
    obj = _require_object(value, path)
    _check_keys(obj, {"objectType", "id", "definition"}, path, ("id",))
    if "objectType" in obj and obj["objectType"] != "Activity":
        raise _fail(f"{path}.objectType", 'must be "Activity"')
    _check_iri(obj["id"], f"{path}.id")
    if "definition" in obj:
        validate_activity_definition(obj["definition"], f"{path}.definition")
    return obj


def validate_statement_ref(value: Any, path: str) -> dict:
    obj = _require_object(value, path)
    _check_keys(obj, {"objectType", "id"}, path, ("objectType", "id"))
    if obj["objectType"] != "StatementRef":
        raise _fail(f"{path}.objectType", 'must be "StatementRef"')
    _check_uuid(obj["id"], f"{path}.id")
    return obj


# --- result, context, attachments ---------------------------------------------------------------


def validate_result(value: Any, path: str = "result") -> dict:
    obj = _require_object(value, path)
    _check_keys(obj, {"score", "success", "completion", "response", "duration", "extensions"}, path)
    for key in ("success", "completion"):
        if key in obj and not isinstance(obj[key], bool):
            raise _fail(f"{path}.{key}", "must be a boolean")
    if "response" in obj:
        _check_string(obj["response"], f"{path}.response")
    if "duration" in obj and not is_duration(obj["duration"]):
        raise _fail(f"{path}.duration", "must be an ISO 8601 duration")
    if "extensions" in obj:
        _check_extensions(obj["extensions"], f"{path}.extensions")
    if "score" in obj:
        score = _require_object(obj["score"], f"{path}.score")
        _check_keys(score, {"scaled", "raw", "min", "max"}, f"{path}.score")
        for key, number in score.items():
            if not _is_number(number):
                raise _fail(f"{path}.score.{key}", "must be a number")
        if "scaled" in score and not -1 <= score["scaled"] <= 1:
            raise _fail(f"{path}.score.scaled", "must be between -1 and 1")
        low, high, raw = score.get("min"), score.get("max"), score.get("raw")
        if low is not None and high is not None and not low < high:
            raise _fail(f"{path}.score", "min must be less than max")
        if raw is not None and low is not None and raw < low:
            raise _fail(f"{path}.score.raw", "must not be less than min")
        if raw is not None and high is not None and raw > high:
            raise _fail(f"{path}.score.raw", "must not be greater than max")
    return obj


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
    obj = dict(_require_object(value, path))
    _check_keys(obj, _CONTEXT_KEYS, path)
    if "registration" in obj:
        _check_uuid(obj["registration"], f"{path}.registration")
    if "instructor" in obj:
        validate_actor(obj["instructor"], f"{path}.instructor")
    if "team" in obj:
        validate_group(obj["team"], f"{path}.team")
    for key in ("revision", "platform"):
        if key in obj:
            if not object_is_activity:
                raise _fail(f"{path}.{key}", "may only be used when the object is an Activity")
            _check_string(obj[key], f"{path}.{key}")
    if "language" in obj and not is_language_tag(obj["language"]):
        raise _fail(f"{path}.language", "is not an RFC 5646 language tag")
    if "statement" in obj:
        validate_statement_ref(obj["statement"], f"{path}.statement")
    if "extensions" in obj:
        _check_extensions(obj["extensions"], f"{path}.extensions")
    if "contextActivities" in obj:
        activities_path = f"{path}.contextActivities"
        raw = _require_object(obj["contextActivities"], activities_path)
        _check_keys(raw, set(CONTEXT_ACTIVITY_KINDS), activities_path)
        normalized = {}
        for kind, entries in raw.items():
            entries = entries if isinstance(entries, list) else [entries]
            for index, entry in enumerate(entries):
                validate_activity(entry, f"{activities_path}.{kind}[{index}]")
            normalized[kind] = entries
        obj["contextActivities"] = normalized
    return obj


def validate_attachment(value: Any, path: str) -> dict:
    obj = _require_object(value, path)
    _check_keys(
        obj,
        {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"},
        path,
        ("usageType", "display", "contentType", "length", "sha2"),
    )
    _check_iri(obj["usageType"], f"{path}.usageType")
    check_language_map(obj["display"], f"{path}.display")
    if "description" in obj:
        check_language_map(obj["description"], f"{path}.description")
    if not isinstance(obj["contentType"], str) or not _MEDIA_TYPE_RE.match(obj["contentType"]):
        raise _fail(f"{path}.contentType", "must be an Internet media type")
    length = obj["length"]
    if not isinstance(length, int) or isinstance(length, bool) or length < 0:
        raise _fail(f"{path}.length", "must be a non-negative integer")
    if not isinstance(obj["sha2"], str) or not _SHA2_RE.match(obj["sha2"]):
        raise _fail(f"{path}.sha2", "must be a hex-encoded SHA-2 hash")
    if "fileUrl" in obj:
        _check_iri(obj["fileUrl"], f"{path}.fileUrl")
    if (
        obj["usageType"] == SIGNATURE_USAGE_TYPE
        and obj["contentType"] != "application/octet-stream"
    ):
        raise _fail(f"{path}.contentType", 'a signature must be sent as "application/octet-stream"')
    return obj


# --- statements ---------------------------------------------------------------------------

_STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
_SUBSTATEMENT_KEYS = {
    "objectType",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "attachments",
}


def _validate_object(value: Any, path: str, *, in_substatement: bool) -> dict:
    obj = _require_object(value, path)
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return validate_activity(obj, path)
    if object_type == "Agent":
        return validate_agent(obj, path, object_type_required=True)
    if object_type == "Group":
        return validate_group(obj, path)
    if object_type == "StatementRef":
        return validate_statement_ref(obj, path)
    if object_type == "SubStatement":
        if in_substatement:
            raise _fail(f"{path}.objectType", "a SubStatement must not contain a SubStatement")
        return _validate_body(obj, path, substatement=True)
    raise _fail(f"{path}.objectType", "is not a valid objectType")


def _validate_body(obj: dict, path: str, *, substatement: bool) -> dict:
    allowed = _SUBSTATEMENT_KEYS if substatement else _STATEMENT_KEYS
    prefix = f"{path}." if path else ""
    if substatement:
        for key in ("id", "stored", "version", "authority"):
            if key in obj:
                raise _fail(f"{prefix}{key}", "a SubStatement must not have this property")
    _check_keys(obj, allowed, path, ("actor", "verb", "object"))
    result = dict(obj)
    if "id" in obj:
        _check_uuid(obj["id"], f"{prefix}id")
    validate_actor(obj["actor"], f"{prefix}actor")
    verb = validate_verb(obj["verb"], f"{prefix}verb")
    statement_object = _validate_object(
        obj["object"], f"{prefix}object", in_substatement=substatement
    )
    if verb["id"] == VOIDED_VERB and statement_object.get("objectType") != "StatementRef":
        raise _fail(f"{prefix}object", "a voiding Statement's object must be a StatementRef")
    if "result" in obj:
        validate_result(obj["result"], f"{prefix}result")
    if "context" in obj:
        is_activity = statement_object.get("objectType", "Activity") == "Activity"
        result["context"] = validate_context(obj["context"], is_activity, f"{prefix}context")
    if "timestamp" in obj:
        _check_timestamp(obj["timestamp"], f"{prefix}timestamp")
    if "stored" in obj:
        _check_timestamp(obj["stored"], f"{prefix}stored")
    if "authority" in obj:
        _validate_authority(obj["authority"], f"{prefix}authority")
    if "version" in obj and (
        not isinstance(obj["version"], str) or not _VERSION_RE.match(obj["version"])
    ):
        raise _fail(f"{prefix}version", 'must be a 1.0.x version such as "1.0.0"')
    if "attachments" in obj:
        attachments = obj["attachments"]
        if not isinstance(attachments, list):
            raise _fail(f"{prefix}attachments", "must be an array of Attachment objects")
        for index, attachment in enumerate(attachments):
            validate_attachment(attachment, f"{prefix}attachments[{index}]")
    result["object"] = statement_object
    return result


def _validate_authority(value: Any, path: str) -> None:
    obj = _require_object(value, path)
    if obj.get("objectType") == "Group":
        group = validate_group(obj, path)
        # Only 3-legged OAuth produces a Group authority: an application and a user.
        if len(group.get("member", [])) != 2:
            raise _fail(path, "a Group authority must have exactly two member Agents")
        return
    validate_agent(obj, path)


def validate_statement(value: Any) -> dict:
    """Validate one Statement; return a normalized copy or raise `XAPIError` (400)."""
    obj = _require_object(value, "statement")
    return _validate_body(obj, "", substatement=False)


def validate_statement_batch(value: Any, *, max_statements: int) -> list[dict]:
    """Validate the body of a POST: one Statement or an array of them.

    The whole batch is refused if any Statement is refused (Communication 3.2.s3.b9), if
    it is longer than the configured maximum (413), or if two Statements share an id.
    """
    statements = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not value:
        raise XAPIError("the batch contains no Statements")
    if len(statements) > max_statements:
        raise XAPIError(
            f"the batch holds {len(statements)} Statements; the limit is {max_statements}", 413
        )
    validated = []
    seen: set[uuid.UUID] = set()
    for index, statement in enumerate(statements):
        try:
            clean = validate_statement(statement)
        except XAPIError as exc:
            if isinstance(value, list):
                raise XAPIError(f"statement[{index}] {exc.message}", exc.status) from None
            raise
        if "id" in clean:
            statement_id = uuid.UUID(clean["id"])
            if statement_id in seen:
                raise XAPIError(f"statement[{index}].id: the batch uses this id twice")
            seen.add(statement_id)
        validated.append(clean)
    return validated


# --- comparison (Data 2.3.1, "Statement Comparison Requirements") ------------------------------


def _comparable(statement: dict) -> Any:
    """Strip what the immutability exceptions allow to differ, and order unordered lists."""

    def walk(node: Any, key: str | None = None) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "mbox" and isinstance(v, str):
                    out[k] = _lower_mailto_domain(v)
                elif k == "display" and key == "verb":
                    continue  # a Verb's display is not part of the Statement
                elif k == "definition":
                    continue  # nor are Activity Definitions
                else:
                    out[k] = walk(v, k)
            if key in {"actor", "object", "instructor", "team", "authority"} and "member" in out:
                out["member"] = sorted(out["member"], key=repr)
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        if isinstance(node, str) and key in {"id", "registration"} and is_uuid(node):
            return node.lower()
        return node

    stripped = {
        k: v for k, v in statement.items() if k not in {"id", "authority", "stored", "version"}
    }
    if "timestamp" in stripped:
        stripped["timestamp"] = parse_timestamp(stripped["timestamp"]).isoformat()
    if "context" in stripped:
        stripped["context"] = validate_context(
            stripped["context"],
            stripped["object"].get("objectType", "Activity") == "Activity",
        )
    return walk(stripped)


def statements_match(stored: dict, received: dict) -> bool:
    """True if `received` is the same Statement as `stored`, as the spec compares them."""
    received = dict(received)
    if "timestamp" not in received:
        # The LRS assigned the stored timestamp: that difference is an allowed exception.
        received["timestamp"] = stored.get("timestamp")
        if received["timestamp"] is None:
            received.pop("timestamp")
    return _comparable(stored) == _comparable(received)
