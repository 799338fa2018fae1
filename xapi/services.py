"""Writes of the learning record store: statements, activities, documents, clients.

Every function here takes statements that `xapi.validation` has already accepted, or calls
it itself, and raises `XAPIError` (with the HTTP status the specification names) when it
refuses something. Each public service runs in one transaction: a refused batch writes
nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import (
    Activity,
    AttachmentContent,
    Document,
    LRSClient,
    Statement,
    StatementKey,
    value_hash,
)
from .validation import (
    CONTEXT_ACTIVITY_KINDS,
    STATEMENT_VERSION_DEFAULT,
    VOIDED_VERB,
    XAPIError,
    agent_ifi,
    format_timestamp,
    parse_timestamp,
    statements_match,
    validate_statement,
    validate_statement_batch,
)

Kind = StatementKey.Kind


# --- identities -----------------------------------------------------------------------------


def learner_account_home_page() -> str:
    """The account homePage under which Ilm names its own users in statements."""
    return settings.SITE_URL


def learner_agent(user) -> dict:
    """The xAPI Agent for an Ilm user: an opaque account, so statements carry no email."""
    return {
        "objectType": "Agent",
        "account": {"homePage": learner_account_home_page(), "name": str(user.pk)},
    }


def platform_authority() -> dict:
    """The authority for statements the platform itself vouches for (e.g. the H5P player)."""
    return {
        "objectType": "Agent",
        "name": "Ilm",
        "account": {"homePage": learner_account_home_page(), "name": "ilm-platform"},
    }


def client_authority(client: LRSClient) -> dict:
    """The authority for statements sent with an LRS client's Basic-auth credentials."""
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": f"{settings.SITE_URL}/xapi/clients", "name": client.key},
    }


def learner_id_from_agent(agent: dict) -> int | None:
    """The Ilm user id an Agent names through our own account homePage, if any."""
    account = agent.get("account") if isinstance(agent, dict) else None
    if not account or account.get("homePage") != learner_account_home_page():
        return None
    name = account.get("name", "")
    return int(name) if name.isdigit() else None


# --- clients -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewClientCredentials:
    client: LRSClient
    key: str
    secret: str


def lrs_client_create(*, university, name: str, created_by=None) -> NewClientCredentials:
    """Create Basic-auth credentials for a university; the secret is returned only here."""
    name = name.strip()
    if not name:
        raise ValueError("A client needs a name.")
    key = secrets.token_hex(16)
    secret = secrets.token_urlsafe(32)
    client = LRSClient(
        university=university,
        name=name[:200],
        key=key,
        secret_hash=make_password(secret),
        created_by=created_by,
    )
    client.full_clean()
    client.save()
    return NewClientCredentials(client=client, key=key, secret=secret)


def lrs_client_deactivate(*, client: LRSClient) -> None:
    """Revoke a client; its statements stay."""
    LRSClient.objects.filter(pk=client.pk).update(is_active=False)


# --- statement keys -----------------------------------------------------------------------------


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
    return keys


# --- storing statements -------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachmentPart:
    content_type: str
    content: bytes


def _attachment_objects(statement: dict) -> Iterable[dict]:
    yield from statement.get("attachments", [])
    if statement["object"].get("objectType") == "SubStatement":
        yield from statement["object"].get("attachments", [])


def _check_attachment_parts(statements: list[dict], parts: dict[str, AttachmentPart]) -> None:
    """Every attachment needs a fileUrl or a part with its hash; every part needs a user."""
    declared: set[str] = set()
    for index, statement in enumerate(statements):
        for attachment in _attachment_objects(statement):
            sha2 = attachment["sha2"].lower()
            declared.add(sha2)
            if sha2 in parts:
                if len(parts[sha2].content) != attachment["length"]:
                    # The length is declared metadata; a mismatch means a corrupt transfer.
                    raise XAPIError(
                        f"statement[{index}] attachment {sha2}: length does not match the part"
                    )
            elif "fileUrl" not in attachment:
                raise XAPIError(
                    f"statement[{index}] attachment {sha2}: no fileUrl and no part with this hash"
                )
    unused = set(parts) - declared
    if unused:
        raise XAPIError(
            "attachment part(s) not declared by any statement: " + ", ".join(sorted(unused))
        )


def _prepare(statement: dict, *, authority: dict, stored: dt.datetime) -> dict:
    prepared = dict(statement)
    prepared["id"] = str(uuid.UUID(statement["id"])) if "id" in statement else str(uuid.uuid4())
    prepared["authority"] = authority
    prepared["stored"] = format_timestamp(stored)
    prepared.setdefault("timestamp", prepared["stored"])
    prepared.setdefault("version", STATEMENT_VERSION_DEFAULT)
    return prepared


def _target_id(statement: dict) -> uuid.UUID | None:
    obj = statement["object"]
    return uuid.UUID(obj["id"]) if obj.get("objectType") == "StatementRef" else None


def _merge_definition(existing: dict, incoming: dict) -> dict:
    """Canonical definition: later statements add languages and replace other properties."""
    merged = dict(existing)
    for key, value in incoming.items():
        if key in {"name", "description"} and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _activities_with_definitions(statement: dict) -> Iterable[dict]:
    def from_body(body: dict) -> Iterable[dict]:
        obj = body["object"]
        if obj.get("objectType", "Activity") == "Activity":
            yield obj
        elif obj.get("objectType") == "SubStatement":
            yield from from_body(obj)
        for entries in ((body.get("context") or {}).get("contextActivities") or {}).values():
            yield from entries

    for activity in from_body(statement):
        if activity.get("definition"):
            yield activity


def _update_activities(statements: list[dict], university_id: int | None) -> None:
    incoming: dict[str, dict] = {}
    for statement in statements:
        for activity in _activities_with_definitions(statement):
            incoming[activity["id"]] = _merge_definition(
                incoming.get(activity["id"], {}), activity["definition"]
            )
    if not incoming:
        return
    hashes = {value_hash(iri): iri for iri in incoming}
    # Insert missing rows first (ignoring ones a concurrent request just inserted), then lock
    # all of them in one order, so concurrent batches about the same activities neither
    # collide on the unique constraint nor deadlock.
    Activity.objects.bulk_create(
        [
            Activity(university_id=university_id, iri_hash=h, iri=iri, definition={})
            for h, iri in hashes.items()
        ],
        ignore_conflicts=True,
    )
    locked = (
        Activity.objects.select_for_update()
        .filter(university_id=university_id, iri_hash__in=list(hashes))
        .order_by("iri_hash")
    )
    to_update = []
    for activity in locked:
        merged = _merge_definition(activity.definition, incoming[hashes[activity.iri_hash]])
        if merged != activity.definition:
            activity.definition = merged
            activity.updated = timezone.now()  # bulk_update skips auto_now
            to_update.append(activity)
    if to_update:
        Activity.objects.bulk_update(to_update, ["definition", "updated"])


def statements_store(
    statements: list[dict],
    *,
    authority: dict,
    university_id: int | None,
    client_id: int | None = None,
    may_void: bool = True,
    attachments: dict[str, AttachmentPart] | None = None,
) -> list[str]:
    """Store validated statements for one principal; return their ids in order.

    `authority` overwrites whatever authority the statements carried (Data 2.4.9.s3.b4).
    A statement whose id is already stored is left untouched when it matches the stored one
    and refuses the whole batch with 409 when it does not. Voiding statements mark their
    target voided; voiding a voiding statement is refused (400), and voiding a statement of
    another scope, or voiding without `may_void`, is refused (403).

    A statement whose actor is an Ilm user's account (see `learner_agent`) is linked to that
    learner, which is what lets the learner read it back; the caller's access gate decides
    whether the principal may write about that learner at all.
    """
    attachments = attachments or {}
    _check_attachment_parts(statements, attachments)
    stored = timezone.now()
    prepared = [_prepare(s, authority=authority, stored=stored) for s in statements]
    ids = [uuid.UUID(p["id"]) for p in prepared]

    with transaction.atomic():
        existing = {
            row.statement_id: row
            for row in Statement.objects.filter(statement_id__in=ids).only("statement_id", "data")
        }
        new = []
        for statement, received, statement_id in zip(prepared, statements, ids, strict=True):
            if statement_id in existing:
                if not statements_match(existing[statement_id].data, received):
                    raise XAPIError(
                        f"statement {statement_id} is already stored with different content", 409
                    )
                continue  # the same statement again: nothing to change (Communication 2.1.2)
            new.append(statement)
        if not new:
            return [str(i) for i in ids]

        new_ids = {uuid.UUID(s["id"]) for s in new}
        targets = {_target_id(s) for s in new} - {None}
        voiding_targets = {_target_id(s) for s in new if s["verb"]["id"] == VOIDED_VERB}
        if voiding_targets and not may_void:
            raise XAPIError("these credentials may not void statements", 403)
        target_rows = {
            row.statement_id: row
            for row in Statement.objects.filter(statement_id__in=targets).only(
                "id", "statement_id", "is_voiding", "university_id", "stored"
            )
        }
        batch_voiding = {uuid.UUID(s["id"]) for s in new if s["verb"]["id"] == VOIDED_VERB}
        for target in voiding_targets:
            row = target_rows.get(target)
            if (row is not None and row.is_voiding) or target in batch_voiding:
                raise XAPIError(f"statement {target} is a voiding statement and cannot be voided")
            if row is not None and row.university_id != university_id:
                raise XAPIError(f"statement {target} is outside these credentials' scope", 403)
        # Statements that arrive after the statement voiding them are voided on arrival.
        voided_on_arrival = set(
            Statement.objects.filter(
                is_voiding=True, target_statement_id__in=new_ids, university_id=university_id
            ).values_list("target_statement_id", flat=True)
        ) | (voiding_targets & new_ids)

        learner_ids = {learner_id_from_agent(s["actor"]) for s in new} - {None}
        if learner_ids:
            from django.contrib.auth import get_user_model

            learner_ids = set(
                get_user_model().objects.filter(pk__in=learner_ids).values_list("pk", flat=True)
            )
        rows = []
        for statement in new:
            learner_id = learner_id_from_agent(statement["actor"])
            statement_id = uuid.UUID(statement["id"])
            registration = (statement.get("context") or {}).get("registration")
            rows.append(
                Statement(
                    statement_id=statement_id,
                    data=statement,
                    stored=stored,
                    timestamp=parse_timestamp(statement["timestamp"]),
                    verb_iri=statement["verb"]["id"],
                    registration=uuid.UUID(registration) if registration else None,
                    university_id=university_id,
                    learner_id=learner_id if learner_id in learner_ids else None,
                    client_id=client_id,
                    target_statement_id=_target_id(statement),
                    is_voiding=statement["verb"]["id"] == VOIDED_VERB,
                    voided=statement_id in voided_on_arrival
                    and statement["verb"]["id"] != VOIDED_VERB,
                )
            )
        try:
            Statement.objects.bulk_create(rows)
        except IntegrityError:
            # Another request stored one of these ids between our check and our insert.
            raise XAPIError(
                "a statement with one of these ids was stored concurrently", 409
            ) from None
        if not rows[0].pk:
            rows = list(Statement.objects.filter(statement_id__in=new_ids))
        by_id = {row.statement_id: row for row in rows}

        # (kind, hash) pairs per new statement.
        key_values: dict[uuid.UUID, set[tuple[int, str]]] = {
            uuid.UUID(s["id"]): {(kind, value_hash(v)) for kind, v in statement_keys(s)}
            for s in new
        }
        # StatementRef targets pass their keys on (Communication 2.1.3.s3), in batch order
        # so a chain inside one batch resolves too.
        stored_target_keys = _keys_of([row.pk for row in target_rows.values()])
        for statement in new:
            target = _target_id(statement)
            if target is None:
                continue
            own = key_values[uuid.UUID(statement["id"])]
            if target in key_values:
                own |= key_values[target]
            elif target in target_rows:
                own |= stored_target_keys.get(target_rows[target].pk, set())
        key_rows = [
            StatementKey(statement=by_id[statement_id], kind=kind, value_hash=hashed, stored=stored)
            for statement_id, pairs in key_values.items()
            for kind, hashed in pairs
        ]
        # Statements stored earlier that target one of the new ones inherit its keys now.
        for row in Statement.objects.filter(target_statement_id__in=new_ids).exclude(
            statement_id__in=new_ids
        ):
            for kind, hashed in key_values[row.target_statement_id]:
                key_rows.append(
                    StatementKey(statement=row, kind=kind, value_hash=hashed, stored=row.stored)
                )
        StatementKey.objects.bulk_create(key_rows, ignore_conflicts=True)

        if voiding_targets:
            Statement.objects.filter(
                statement_id__in=voiding_targets, is_voiding=False, university_id=university_id
            ).update(voided=True)
        _update_activities(new, university_id)
        for sha2, part in attachments.items():
            AttachmentContent.objects.get_or_create(
                sha2=sha2, defaults={"content_type": part.content_type, "content": part.content}
            )
    return [str(i) for i in ids]


def _keys_of(statement_pks: list[int]) -> dict[int, set[tuple[int, str]]]:
    """Stored keys of statements, as (kind, hash) pairs ready to copy."""
    result: dict[int, set[tuple[int, str]]] = {}
    for pk, kind, hashed in StatementKey.objects.filter(statement_id__in=statement_pks).values_list(
        "statement_id", "kind", "value_hash"
    ):
        result.setdefault(pk, set()).add((kind, hashed))
    return result


def statement_store(
    statement: dict,
    *,
    authority: dict,
    university_id: int | None,
    client_id: int | None = None,
) -> str:
    """Validate and store one statement for the platform or a learner; return its id.

    This is the entry point for other apps (the H5P player): they build the statement,
    replace its actor with `learner_agent(user)`, choose the authority (usually
    `platform_authority()`) and the scope (the learner's home university), and get back the
    stored id or an `XAPIError`.
    """
    clean = validate_statement(statement)
    return statements_store(
        [clean],
        authority=authority,
        university_id=university_id,
        client_id=client_id,
        may_void=False,
    )[0]


def statement_batch_validate(payload, *, max_statements: int) -> list[dict]:
    return validate_statement_batch(payload, max_statements=max_statements)


# --- documents ------------------------------------------------------------------------------


def document_etag(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class DocumentAddress:
    kind: str
    university_id: int | None
    activity_iri: str = ""
    agent: dict | None = None
    registration: str = ""
    document_id: str = ""

    def lookup(self) -> dict:
        return {
            "kind": self.kind,
            "university_id": self.university_id,
            "activity_hash": value_hash(self.activity_iri) if self.activity_iri else "",
            "agent_hash": value_hash(agent_ifi(self.agent)) if self.agent else "",
            "registration": self.registration.lower(),
        }


def _check_preconditions(
    document: Document | None, *, if_match: str | None, if_none_match: str | None
) -> None:
    if if_match is not None:
        tags = {tag.strip().strip('"') for tag in if_match.split(",")}
        if document is None or ("*" not in tags and document.etag not in tags):
            raise XAPIError("If-Match does not match the document's current ETag", 412)
    if if_none_match is not None:
        tags = {tag.strip().strip('"') for tag in if_none_match.split(",")}
        if document is not None and ("*" in tags or document.etag in tags):
            raise XAPIError("If-None-Match: the document already exists", 412)


def document_save(
    address: DocumentAddress,
    *,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None = None,
    if_none_match: str | None = None,
    require_precondition: bool = False,
) -> Document:
    """PUT (merge=False) or POST (merge=True) a document, honouring ETag preconditions.

    POST merges JSON objects at the top level (Communication 2.2.s7); either side not being
    a JSON object is a 400. A PUT to a profile that exists without If-Match/If-None-Match is
    a 409, as the specification asks, and changes nothing.
    """
    content_type = (content_type or "application/octet-stream").split(";")[0].strip()
    with transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .filter(**address.lookup(), document_hash=value_hash(address.document_id))
            .first()
        )
        _check_preconditions(document, if_match=if_match, if_none_match=if_none_match)
        if (
            require_precondition
            and document is not None
            and if_match is None
            and if_none_match is None
        ):
            raise XAPIError(
                "the document exists: check its current state and send If-Match with its ETag",
                409,
            )
        if merge and document is not None:
            incoming = _json_object(content, content_type, "the posted document")
            current = _json_object(
                bytes(document.content), document.content_type, "the stored document"
            )
            current.update(incoming)
            content = json.dumps(current, ensure_ascii=False).encode("utf-8")
            content_type = "application/json"
        elif merge and content_type == "application/json":
            _json_object(content, content_type, "the posted document")
        now = timezone.now()
        if document is None:
            document = Document(
                **address.lookup(),
                activity_iri=address.activity_iri,
                agent=address.agent,
                document_id=address.document_id,
                document_hash=value_hash(address.document_id),
            )
        document.content = content
        document.content_type = content_type
        document.etag = document_etag(content)
        document.updated = now
        document.save()
        return document


def _json_object(content: bytes, content_type: str, what: str) -> dict:
    if content_type != "application/json":
        raise XAPIError(f"{what} is not application/json, so it cannot be merged")
    try:
        value = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise XAPIError(f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise XAPIError(f"{what} is not a JSON object, so it cannot be merged")
    return value


def document_delete(
    address: DocumentAddress, *, if_match: str | None = None, single: bool = True
) -> int:
    """Delete one document (or, for state without stateId, all in its context)."""
    with transaction.atomic():
        queryset = Document.objects.select_for_update().filter(**address.lookup())
        if single:
            queryset = queryset.filter(document_hash=value_hash(address.document_id))
            document = queryset.first()
            if if_match is not None:
                _check_preconditions(document, if_match=if_match, if_none_match=None)
        deleted, _ = queryset.delete()
        return deleted
