"""Reads of the learning record store: statement queries, formats, activities, documents."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet

from .errors import XAPIError
from .identities import learner_ifis
from .models import (
    Activity,
    AttachmentContent,
    Document,
    Statement,
    StatementKey,
    StatementRetention,
    value_hash,
)
from .validation import agent_ifi
from .versions import XAPI_1_0_3, is_2_0

Kind = StatementKey.Kind
_CURSOR_SALT = "xapi.statements.more"
# `more` links must work for at least 24 hours (Data 2.5.s3.b1); a signed cursor keeps them
# stateless, and two days leaves room for clocks and slow consumers.
CURSOR_MAX_AGE_SECONDS = 2 * 24 * 3600


@dataclass
class StatementQuery:
    """The filters of GET /statements after parsing (parsed in `resources.statements`)."""

    agent: dict | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 0
    ascending: bool = False


def encode_cursor(stored: dt.datetime, pk: int) -> str:
    return signing.dumps([stored.isoformat(), pk], salt=_CURSOR_SALT, compress=True)


def decode_cursor(token: str) -> tuple[dt.datetime, int]:
    try:
        stored, pk = signing.loads(token, salt=_CURSOR_SALT, max_age=CURSOR_MAX_AGE_SECONDS)
        return dt.datetime.fromisoformat(stored), int(pk)
    except (signing.BadSignature, ValueError, TypeError):
        raise XAPIError("the more link is invalid or has expired") from None


def _key_filters(query: StatementQuery) -> list[tuple[int, str]]:
    filters = []
    if query.verb:
        filters.append((Kind.VERB, value_hash(query.verb)))
    if query.activity:
        kind = Kind.RELATED_ACTIVITY if query.related_activities else Kind.ACTIVITY
        filters.append((kind, value_hash(query.activity)))
    if query.agent:
        kind = Kind.RELATED_AGENT if query.related_agents else Kind.AGENT
        filters.append((kind, value_hash(agent_ifi(query.agent))))
    if query.registration:
        filters.append((Kind.REGISTRATION, value_hash(query.registration.lower())))
    return filters


def statements_page(
    visible, query: StatementQuery, *, page_size: int, cursor: str | None
) -> tuple[list[Statement], tuple[dt.datetime, int] | None]:
    """One page of matching, non-voided statements in `visible`, ordered by (stored, id).

    Returns the statements and the keyset position to continue from (None on the last page).
    With filters, the query walks the `StatementKey` index of the first filter in stored
    order and checks the others per row; without, it walks the statement table's own
    (scope, stored, id) index. Neither uses OFFSET.
    """
    limit = page_size if query.limit <= 0 else min(query.limit, page_size)
    position = decode_cursor(cursor) if cursor else None
    filters = _key_filters(query)
    direction = "" if query.ascending else "-"

    if filters:
        (kind, hashed), rest = filters[0], filters[1:]
        rows = StatementKey.objects.filter(kind=kind, value_hash=hashed)
        for other_kind, other_hash in rest:
            rows = rows.filter(
                Exists(
                    StatementKey.objects.filter(
                        statement_id=OuterRef("statement_id"),
                        kind=other_kind,
                        value_hash=other_hash,
                    )
                )
            )
        rows = rows.filter(statement__in=visible.filter(voided=False))
        id_field = "statement_id"
    else:
        rows = visible.filter(voided=False)
        id_field = "id"
    if query.since:
        rows = rows.filter(stored__gt=query.since)
    if query.until:
        rows = rows.filter(stored__lte=query.until)
    if position:
        stored, pk = position
        if query.ascending:
            rows = rows.filter(Q(stored__gt=stored) | Q(stored=stored, **{f"{id_field}__gt": pk}))
        else:
            rows = rows.filter(Q(stored__lt=stored) | Q(stored=stored, **{f"{id_field}__lt": pk}))
    rows = rows.order_by(f"{direction}stored", f"{direction}{id_field}")
    if filters:
        page = [row.statement for row in rows.select_related("statement")[: limit + 1]]
    else:
        page = list(rows[: limit + 1])
    if len(page) > limit:
        page = page[:limit]
        last = page[-1]
        return page, (last.stored, last.pk)
    return page, None


def statement_by_id(visible, statement_id: str, *, voided: bool) -> Statement | None:
    """statementId returns only non-voided statements; voidedStatementId only voided ones."""
    try:
        key = uuid.UUID(statement_id)
    except ValueError:
        raise XAPIError("statement ids must be UUIDs") from None
    return visible.filter(statement_id=key, voided=voided).first()


def statements_naming(user, emails) -> QuerySet[Statement]:
    """Statements about `user`: linked to their account, or naming them (as actor, object,
    instructor, team member, authority) by any identifier `learner_ifis` gives, through the
    filter index. Voided or not: the learner's download and erasure cover them all."""
    hashes = [value_hash(ifi) for ifi in learner_ifis(user, emails)]
    named = StatementKey.objects.filter(
        statement=OuterRef("pk"),
        kind__in=[Kind.AGENT, Kind.RELATED_AGENT],
        value_hash__in=hashes,
    )
    return Statement.objects.filter(Q(learner=user) | Exists(named))


def documents_naming(user, emails) -> QuerySet[Document]:
    """State and agent-profile documents kept for an agent that is `user`."""
    hashes = [value_hash(ifi) for ifi in learner_ifis(user, emails)]
    return Document.objects.filter(agent_hash__in=hashes)


def xapi_records_of(user, emails) -> dict[str, list[dict]]:
    """The learner's statements, as the LRS returns them, and their documents: two queries."""
    documents = []
    for document in documents_naming(user, emails).order_by("updated", "pk"):
        content = bytes(document.content)
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            text = base64.b64encode(content).decode("ascii")
        documents.append(
            {
                "kind": document.kind,
                "activity_iri": document.activity_iri,
                "document_id": document.document_id,
                "content_type": document.content_type,
                "updated": document.updated,
                "content": text,
            }
        )
    return {
        "xapi_statements": [
            {"id": str(statement_id), "stored": stored, "voided": voided, "statement": data}
            for statement_id, stored, voided, data in statements_naming(user, emails)
            .order_by("stored", "pk")
            .values_list("statement_id", "stored", "voided", "data")
        ],
        "xapi_documents": documents,
    }


def statement_recorded(*, learner, statement_id: str) -> bool:
    """Whether a statement with this id is already stored about `learner` (a resend)."""
    return Statement.objects.filter(statement_id=uuid.UUID(statement_id), learner=learner).exists()


# --- formats --------------------------------------------------------------------------------


def _ids_agent(agent: dict) -> dict:
    out = {
        k: agent[k]
        for k in ("objectType", "mbox", "mbox_sha1sum", "openid", "account")
        if k in agent
    }
    if agent.get("objectType") == "Group" and not agent_ifi(agent):
        out["member"] = [_ids_agent(m) for m in agent.get("member", [])]
    return out


def _pick_language(language_map: dict, accept: list[str]) -> dict:
    if not language_map:
        return language_map
    lowered = {key.lower(): key for key in language_map}
    for wanted in accept:
        wanted = wanted.lower()
        if wanted in lowered:
            return {lowered[wanted]: language_map[lowered[wanted]]}
        for key_lower, key in lowered.items():
            if key_lower.split("-")[0] == wanted.split("-")[0]:
                return {key: language_map[key]}
    first = next(iter(language_map))
    return {first: language_map[first]}


def _canonical_definition(definition: dict, accept: list[str]) -> dict:
    out = dict(definition)
    for key in ("name", "description"):
        if isinstance(out.get(key), dict):
            out[key] = _pick_language(out[key], accept)
    for key in ("choices", "scale", "source", "target", "steps"):
        if isinstance(out.get(key), list):
            out[key] = [
                dict(c, description=_pick_language(c["description"], accept))
                if "description" in c
                else c
                for c in out[key]
            ]
    return out


_CONTEXT_2_0_ONLY = ("contextAgents", "contextGroups")
_NAIVE_TIMESTAMP_END = re.compile(r"[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\Z", re.ASCII)


def _bodies(statement: dict):
    yield statement
    if statement.get("object", {}).get("objectType") == "SubStatement":
        yield statement["object"]


def statement_as_served(data: dict, version: str) -> dict:
    """A stored statement as a client of `version` reads it (ADR 0045); copies only to change.

    - 1.0.3 has no context agents or groups: a 1.0.3 reader gets the statement without
      `contextAgents` and `contextGroups` (the only 2.0-only properties), everything else as
      stored, `version` included, since an LRS retains the version it accepted.
    - 2.0 requires a time zone: a 1.0.3 statement's timestamp sent without one (which the
      LRS has always read as UTC) is returned with "Z", naming the same instant.
    """
    changes = []
    for index, body in enumerate(_bodies(data)):
        context = body.get("context") or {}
        if not is_2_0(version) and any(key in context for key in _CONTEXT_2_0_ONLY):
            changes.append((index, "context"))
        if (
            is_2_0(version)
            and isinstance(body.get("timestamp"), str)
            and _NAIVE_TIMESTAMP_END.search(body["timestamp"])
        ):
            changes.append((index, "timestamp"))
    if not changes:
        return data
    statement = copy.deepcopy(data)
    bodies = list(_bodies(statement))
    for index, what in changes:
        body = bodies[index]
        if what == "context":
            for key in _CONTEXT_2_0_ONLY:
                body["context"].pop(key, None)
        else:
            body["timestamp"] += "Z"
    return statement


def format_statement(
    data: dict,
    fmt: str,
    *,
    accept_languages: list[str],
    activities: dict[str, dict],
    version: str = XAPI_1_0_3,
) -> dict:
    """Render a stored statement in the `exact`, `ids` or `canonical` format, as a client of
    `version` reads it (`statement_as_served`)."""
    data = statement_as_served(data, version)
    if fmt == "exact":
        return data
    statement = copy.deepcopy(data)

    def activity(node: dict) -> dict:
        if fmt == "ids":
            # An Activity is identified by its id alone; objectType defaults to Activity
            # (Data 2.4.4.1), so "the minimum information necessary" leaves only the id.
            return {"id": node["id"]}
        definition = activities.get(node["id"], node.get("definition"))
        if definition:
            return dict(node, definition=_canonical_definition(definition, accept_languages))
        return node

    def body(node: dict) -> None:
        for role in ("actor", "authority"):
            if role in node and fmt == "ids":
                node[role] = _ids_agent(node[role])
        if "verb" in node:
            if fmt == "ids":
                node["verb"] = {"id": node["verb"]["id"]}
            elif "display" in node["verb"]:
                node["verb"]["display"] = _pick_language(node["verb"]["display"], accept_languages)
        obj = node.get("object", {})
        object_type = obj.get("objectType", "Activity")
        if object_type == "Activity":
            node["object"] = activity(obj)
        elif object_type in {"Agent", "Group"} and fmt == "ids":
            node["object"] = _ids_agent(obj)
        elif object_type == "SubStatement":
            body(obj)
        context = node.get("context")
        if context:
            for role in ("instructor", "team"):
                if role in context and fmt == "ids":
                    context[role] = _ids_agent(context[role])
            for key, member in (("contextAgents", "agent"), ("contextGroups", "group")):
                for item in context.get(key, []) if fmt == "ids" else []:
                    item[member] = _ids_agent(item[member])
            for kind, entries in (context.get("contextActivities") or {}).items():
                context["contextActivities"][kind] = [activity(a) for a in entries]

    body(statement)
    return statement


def canonical_activities(statements: list[Statement], university_id: int | None) -> dict[str, dict]:
    """The canonical definitions of every activity the statements mention."""
    iris: set[str] = set()

    def collect(node: dict) -> None:
        obj = node.get("object", {})
        if obj.get("objectType", "Activity") == "Activity" and "id" in obj:
            iris.add(obj["id"])
        elif obj.get("objectType") == "SubStatement":
            collect(obj)
        for entries in ((node.get("context") or {}).get("contextActivities") or {}).values():
            iris.update(a["id"] for a in entries)

    for statement in statements:
        collect(statement.data)
    hashes = [value_hash(iri) for iri in iris]
    return {
        a.iri: a.definition
        for a in Activity.objects.filter(university_id=university_id, iri_hash__in=hashes)
    }


def activity_definition(iri: str, university_id: int | None) -> dict:
    activity = Activity.objects.filter(
        university_id=university_id, iri_hash=value_hash(iri)
    ).first()
    return activity.definition if activity else {}


def attachment_contents(statements: list[dict]) -> list[AttachmentContent]:
    hashes: set[str] = set()
    for statement in statements:
        for attachment in statement.get("attachments", []):
            hashes.add(attachment["sha2"].lower())
        if statement["object"].get("objectType") == "SubStatement":
            for attachment in statement["object"].get("attachments", []):
                hashes.add(attachment["sha2"].lower())
    return list(AttachmentContent.objects.filter(sha2__in=hashes))


# --- documents --------------------------------------------------------------------------------


def document_get(address) -> Document | None:
    return Document.objects.filter(
        **address.lookup(), document_hash=value_hash(address.document_id)
    ).first()


def document_ids(address, *, since: dt.datetime | None) -> tuple[list[str], dt.datetime | None]:
    queryset = Document.objects.filter(**address.lookup())
    if since:
        queryset = queryset.filter(updated__gt=since)
    rows = list(queryset.order_by("updated").values_list("document_id", "updated"))
    return [row[0] for row in rows], (rows[-1][1] if rows else None)


@dataclass(frozen=True)
class RetentionInForce:
    """A university's statement retention: its own period, the platform's, and the one that
    applies (the shorter; None is "kept forever")."""

    university_days: int | None
    platform_days: int | None

    @property
    def effective_days(self) -> int | None:
        periods = [days for days in (self.university_days, self.platform_days) if days]
        return min(periods) if periods else None


def statement_retention_of(university) -> RetentionInForce:
    """The retention periods in force for `university`'s statements (ADR 0060, ADR 0040)."""
    own = StatementRetention.objects.filter(university=university).first()
    return RetentionInForce(
        university_days=own.days if own else None,
        platform_days=settings.ILM_XAPI_STATEMENT_RETENTION_DAYS or None,
    )
