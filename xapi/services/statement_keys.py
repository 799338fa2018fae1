"""The filter keys of a statement: every (kind, value) a GET /statements filter can match it
on (Communication 2.1.3). The store writes them as `StatementKey` rows, which is what lets a
filtered query walk one index instead of the statements' JSON.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import StatementKey
from ..validation import CONTEXT_ACTIVITY_KINDS, agent_ifi

Kind = StatementKey.Kind


def _agents_with_members(agent: dict | None) -> Iterable[str]:
    if not isinstance(agent, dict):
        return
    ifi = agent_ifi(agent)
    if ifi:
        yield ifi
    for member in agent.get("member", []) or []:
        member_ifi = agent_ifi(member)
        if member_ifi:
            yield member_ifi


def _body_keys(body: dict, keys: set[tuple[int, str]], *, direct: bool) -> None:
    """Add the filter keys of a statement (direct=True) or of its SubStatement."""
    obj = body["object"]
    object_type = obj.get("objectType", "Activity")
    actor_kind = Kind.AGENT if direct else Kind.RELATED_AGENT
    for ifi in _agents_with_members(body["actor"]):
        keys.add((actor_kind, ifi))
        keys.add((Kind.RELATED_AGENT, ifi))
    if object_type == "Activity":
        if direct:
            keys.add((Kind.ACTIVITY, obj["id"]))
        keys.add((Kind.RELATED_ACTIVITY, obj["id"]))
    elif object_type in {"Agent", "Group"}:
        for ifi in _agents_with_members(obj):
            keys.add((actor_kind, ifi))
            keys.add((Kind.RELATED_AGENT, ifi))
    elif object_type == "SubStatement":
        _body_keys(obj, keys, direct=False)
    context = body.get("context") or {}
    for kind in CONTEXT_ACTIVITY_KINDS:
        for activity in (context.get("contextActivities") or {}).get(kind, []):
            keys.add((Kind.RELATED_ACTIVITY, activity["id"]))
    for role in ("instructor", "team"):
        for ifi in _agents_with_members(context.get(role)):
            keys.add((Kind.RELATED_AGENT, ifi))
    # xAPI 2.0's context agents and groups are related agents too (ADR 0045).
    for key, member in (("contextAgents", "agent"), ("contextGroups", "group")):
        for item in context.get(key) or []:
            for ifi in _agents_with_members(item.get(member)):
                keys.add((Kind.RELATED_AGENT, ifi))
    if direct:
        keys.add((Kind.VERB, body["verb"]["id"]))
        if "registration" in context:
            keys.add((Kind.REGISTRATION, context["registration"].lower()))


def statement_keys(statement: dict) -> set[tuple[int, str]]:
    """Every (kind, value) a GET /statements filter can match this statement on."""
    keys: set[tuple[int, str]] = set()
    _body_keys(statement, keys, direct=True)
    for ifi in _agents_with_members(statement.get("authority")):
        keys.add((Kind.RELATED_AGENT, ifi))
    for sha2 in attachment_hashes(statement):
        keys.add((Kind.ATTACHMENT, sha2))
    return keys


def attachment_hashes(statement: dict) -> set[str]:
    """The SHA-2 hashes (lower case) of the attachments a statement and its SubStatement
    declare."""
    found = {a["sha2"].lower() for a in statement.get("attachments") or [] if "sha2" in a}
    obj = statement.get("object") or {}
    if obj.get("objectType") == "SubStatement":
        found |= {a["sha2"].lower() for a in obj.get("attachments") or [] if "sha2" in a}
    return found


def stored_keys_of(statement_pks: list[int]) -> dict[int, set[tuple[int, str]]]:
    """Stored keys of statements, as (kind, hash) pairs ready to copy."""
    result: dict[int, set[tuple[int, str]]] = {}
    for pk, kind, hashed in StatementKey.objects.filter(statement_id__in=statement_pks).values_list(
        "statement_id", "kind", "value_hash"
    ):
        result.setdefault(pk, set()).add((kind, hashed))
    return result
