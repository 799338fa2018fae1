"""The structure of a Statement and of a batch (xAPI Data 2.4, Communication 2.1.2).

`validate_statement` checks a parsed JSON value against the structure the specification
demands and returns a normalized copy (contextActivities values become arrays, as the LRS
MUST return them). Each part is checked by the module of its section: `actors`, `objects`,
`result`, `context`, `attachments`.

`version` is the xAPI version the request is served under (`xapi.versions`): under 2.0.0 the
context may carry `contextAgents`/`contextGroups`, timestamps need an offset, durations
follow ISO 8601's fraction rule, and `version` may be 2.0.x (ADR 0045).
"""

from __future__ import annotations

import uuid
from typing import Any

from ..errors import XAPIError
from ..versions import XAPI_1_0_3, is_2_0, statement_version_accepted
from .actors import validate_actor, validate_agent, validate_group
from .attachments import validate_attachment
from .authority import validate_authority
from .checks import check_keys, check_timestamp, check_uuid, fail, require_object
from .context import validate_context
from .objects import validate_activity, validate_statement_ref, validate_verb
from .result import validate_result

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
STATEMENT_VERSION_DEFAULT = "1.0.0"

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


def _validate_object(value: Any, path: str, *, in_substatement: bool, version: str) -> dict:
    obj = require_object(value, path)
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
            raise fail(f"{path}.objectType", "a SubStatement must not contain a SubStatement")
        return _validate_body(obj, path, substatement=True, version=version)
    raise fail(f"{path}.objectType", "is not a valid objectType")


def _validate_body(obj: dict, path: str, *, substatement: bool, version: str) -> dict:
    strict = is_2_0(version)
    allowed = _SUBSTATEMENT_KEYS if substatement else _STATEMENT_KEYS
    prefix = f"{path}." if path else ""
    if substatement:
        for key in ("id", "stored", "version", "authority"):
            if key in obj:
                raise fail(f"{prefix}{key}", "a SubStatement must not have this property")
    check_keys(obj, allowed, path, ("actor", "verb", "object"))
    result = dict(obj)
    if "id" in obj:
        check_uuid(obj["id"], f"{prefix}id")
    validate_actor(obj["actor"], f"{prefix}actor")
    verb = validate_verb(obj["verb"], f"{prefix}verb")
    statement_object = _validate_object(
        obj["object"], f"{prefix}object", in_substatement=substatement, version=version
    )
    if verb["id"] == VOIDED_VERB and statement_object.get("objectType") != "StatementRef":
        raise fail(f"{prefix}object", "a voiding Statement's object must be a StatementRef")
    if "result" in obj:
        validate_result(obj["result"], f"{prefix}result", strict=strict)
    if "context" in obj:
        is_activity = statement_object.get("objectType", "Activity") == "Activity"
        result["context"] = validate_context(
            obj["context"], is_activity, f"{prefix}context", xapi_2_0=strict
        )
    if "timestamp" in obj:
        check_timestamp(obj["timestamp"], f"{prefix}timestamp", strict=strict)
    if "stored" in obj:
        check_timestamp(obj["stored"], f"{prefix}stored", strict=strict)
    if "authority" in obj:
        validate_authority(obj["authority"], f"{prefix}authority")
    if "version" in obj and not statement_version_accepted(obj["version"], version):
        if strict:
            raise fail(f"{prefix}version", 'must be a 2.0.x or 1.0.x version such as "2.0.0"')
        raise fail(f"{prefix}version", 'must be a 1.0.x version such as "1.0.0"')
    if "attachments" in obj:
        attachments = obj["attachments"]
        if not isinstance(attachments, list):
            raise fail(f"{prefix}attachments", "must be an array of Attachment objects")
        for index, attachment in enumerate(attachments):
            validate_attachment(attachment, f"{prefix}attachments[{index}]")
    result["object"] = statement_object
    return result


def validate_statement(value: Any, *, version: str = XAPI_1_0_3) -> dict:
    """Validate one Statement under `version`; return a normalized copy or raise `XAPIError`."""
    obj = require_object(value, "statement")
    return _validate_body(obj, "", substatement=False, version=version)


def validate_statement_batch(
    value: Any, *, max_statements: int, version: str = XAPI_1_0_3
) -> list[dict]:
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
            clean = validate_statement(statement, version=version)
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
