"""The authority of a Statement (xAPI Data 2.4.9).

A supplied authority is validated even though the store replaces it with the credentials'
own (ADR 0021): a Statement whose authority is malformed is a malformed Statement, and the
specification names the shapes an authority may take.
"""

from __future__ import annotations

from typing import Any

from .actors import IFI_KEYS, validate_agent, validate_group
from .checks import fail, require_object


def validate_authority(value: Any, path: str = "authority") -> dict:
    """An Agent, or the anonymous Group of an OAuth consumer and a user (Data 2.4.9.s3.b1).

    Only 3-legged OAuth makes a Group authority, and it names exactly the application and
    the user: so the Group has no identifier of its own, exactly two member Agents, and the
    consumer among them is identified by an account (Data 2.4.9.s7.b2).
    """
    obj = require_object(value, path)
    if obj.get("objectType") != "Group":
        return validate_agent(obj, path)
    group = validate_group(obj, path)
    identifiers = [key for key in IFI_KEYS if key in group]
    if identifiers:
        raise fail(f"{path}.{identifiers[0]}", "an authority Group must be an anonymous Group")
    members = group.get("member", [])
    if len(members) != 2:
        raise fail(f"{path}.member", "an authority Group must have exactly two member Agents")
    if not any("account" in member for member in members):
        raise fail(
            f"{path}.member",
            "one member of an authority Group must be the OAuth consumer, named by an account",
        )
    return group
