"""Reading the parameters of an xAPI request: each resource names the ones it allows, and an
unknown or malformed parameter is a 400. (A repeated one is refused earlier, by `protocol`.)
"""

from __future__ import annotations

import datetime as dt

from .errors import XAPIError
from .protocol import XRequest
from .validation import is_iri, parse_agent_parameter, parse_timestamp
from .versions import is_2_0


def allow_params(xrequest: XRequest, allowed: set[str]) -> None:
    unknown = set(xrequest.params) - allowed
    if unknown:
        raise XAPIError("unknown parameter(s): " + ", ".join(sorted(unknown)))


def required_param(xrequest: XRequest, name: str) -> str:
    if name not in xrequest.params:
        raise XAPIError(f"the {name} parameter is required")
    return xrequest.params[name]


def bool_param(xrequest: XRequest, name: str) -> bool:
    value = xrequest.params.get(name, "false")
    if value not in {"true", "false"}:
        raise XAPIError(f"{name} must be true or false")
    return value == "true"


def timestamp_param(xrequest: XRequest, name: str) -> dt.datetime | None:
    if name not in xrequest.params:
        return None
    strict = is_2_0(xrequest.version)
    try:
        return parse_timestamp(xrequest.params[name], strict=strict)
    except ValueError:
        if strict:
            raise XAPIError(f"{name} must be an ISO 8601 timestamp with a time zone") from None
        raise XAPIError(f"{name} must be an ISO 8601 timestamp") from None


def iri_param(xrequest: XRequest, name: str, *, required: bool = False) -> str | None:
    value = xrequest.params.get(name)
    if value is None:
        if required:
            raise XAPIError(f"the {name} parameter is required")
        return None
    if not is_iri(value):
        raise XAPIError(f"{name} must be an IRI")
    return value


def agent_param(xrequest: XRequest, *, document: bool = False) -> dict:
    """The required `agent` parameter of the document and Agents resources: one Agent.

    Under xAPI 2.0 a document resource may also name an identified Group; only its
    identifier counts, so its member list is dropped (ADR 0045).
    """
    allow_group = document and is_2_0(xrequest.version)
    agent = parse_agent_parameter(required_param(xrequest, "agent"), allow_group=allow_group)
    if agent.get("objectType") == "Group":
        return {key: value for key, value in agent.items() if key != "member"}
    return agent
