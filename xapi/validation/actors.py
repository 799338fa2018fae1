"""Actors (xAPI Data 2.4.2): Agents, Groups and their inverse functional identifiers.

`agent_ifi` is also the key the LRS indexes agents and documents by, and
`parse_agent_parameter` reads the `agent` parameter of the resources.
"""

from __future__ import annotations

from typing import Any

from .checks import check_iri, check_keys, check_string, fail, require_object
from .formats import MAILTO_RE, SHA1_RE
from .serialization import parse_json

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
_AGENT_KEYS = {"objectType", "name", *IFI_KEYS}
_GROUP_KEYS = _AGENT_KEYS | {"member"}


def _check_ifi(obj: dict, path: str, *, required: bool) -> None:
    present = [key for key in IFI_KEYS if key in obj]
    if len(present) > 1:
        raise fail(
            path, "must use exactly one inverse functional identifier, found " + ", ".join(present)
        )
    if not present:
        if required:
            raise fail(
                path,
                "needs one inverse functional identifier (mbox, mbox_sha1sum, openid or account)",
            )
        return
    key = present[0]
    value = obj[key]
    if key == "mbox":
        if not isinstance(value, str) or not MAILTO_RE.match(value):
            raise fail(f"{path}.mbox", 'must be a "mailto:" IRI')
    elif key == "mbox_sha1sum":
        if not isinstance(value, str) or not SHA1_RE.match(value):
            raise fail(f"{path}.mbox_sha1sum", "must be a hex-encoded SHA-1 hash")
    elif key == "openid":
        check_iri(value, f"{path}.openid")
    else:
        account = require_object(value, f"{path}.account")
        check_keys(account, {"homePage", "name"}, f"{path}.account", ("homePage", "name"))
        check_iri(account["homePage"], f"{path}.account.homePage")
        check_string(account["name"], f"{path}.account.name")


def validate_agent(value: Any, path: str, *, object_type_required: bool = False) -> dict:
    """Validate an Agent object (objectType optional unless it is a Statement's object)."""
    obj = require_object(value, path)
    check_keys(obj, _AGENT_KEYS, path)
    object_type = obj.get("objectType")
    if object_type_required and object_type is None:
        raise fail(path, '"objectType" is required when an Agent is the object')
    if object_type is not None and object_type != "Agent":
        raise fail(f"{path}.objectType", 'must be "Agent"')
    if "name" in obj:
        check_string(obj["name"], f"{path}.name")
    _check_ifi(obj, path, required=True)
    return obj


def validate_group(value: Any, path: str) -> dict:
    obj = require_object(value, path)
    check_keys(obj, _GROUP_KEYS, path)
    if obj.get("objectType") != "Group":
        raise fail(f"{path}.objectType", 'must be "Group"')
    if "name" in obj:
        check_string(obj["name"], f"{path}.name")
    identified = any(key in obj for key in IFI_KEYS)
    _check_ifi(obj, path, required=False)
    if not identified and "member" not in obj:
        raise fail(path, 'an anonymous Group must list its "member" Agents')
    if "member" in obj:
        members = obj["member"]
        if not isinstance(members, list):
            raise fail(f"{path}.member", "must be an array of Agents")
        if not identified and not members:
            raise fail(f"{path}.member", "an anonymous Group needs at least one member")
        for index, member in enumerate(members):
            member_path = f"{path}.member[{index}]"
            if isinstance(member, dict) and member.get("objectType") == "Group":
                raise fail(member_path, "a Group must not contain Groups")
            validate_agent(member, member_path)
    return obj


def validate_actor(value: Any, path: str, *, object_type_required: bool = False) -> dict:
    obj = require_object(value, path)
    if obj.get("objectType") == "Group":
        return validate_group(obj, path)
    return validate_agent(obj, path, object_type_required=object_type_required)


def agent_ifi(agent: dict) -> str:
    """A canonical string naming the Agent or identified Group: the key we index agents by."""
    if "mbox" in agent:
        return "mbox:" + lower_mailto_domain(agent["mbox"])
    if "mbox_sha1sum" in agent:
        return "mbox_sha1sum:" + agent["mbox_sha1sum"].lower()
    if "openid" in agent:
        return "openid:" + agent["openid"]
    if "account" in agent:
        return "account:" + agent["account"]["homePage"] + "|" + agent["account"]["name"]
    return ""


def lower_mailto_domain(mbox: str) -> str:
    # The domain part of an email address is case-insensitive (Data 2.3.1, case exception).
    local, _, domain = mbox.rpartition("@")
    return f"{local}@{domain.lower()}"


def parse_agent_parameter(raw: str, name: str = "agent", *, allow_group: bool = True) -> dict:
    """Parse and validate an Agent (or identified Group) passed as a JSON query parameter."""
    value = parse_json(raw, name)
    if allow_group and isinstance(value, dict) and value.get("objectType") == "Group":
        group = validate_group(value, name)
        if not agent_ifi(group):
            raise fail(name, "an anonymous Group cannot be used as a parameter")
        return group
    return validate_agent(value, name)
