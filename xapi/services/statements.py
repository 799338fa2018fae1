"""Storing and voiding statements (Communication 2.1, Data 2.3.2).

`statements_store` takes statements that `xapi.validation` has already accepted;
`statement_store` validates one itself, for other apps. Both refuse with `XAPIError` (with the
HTTP status the specification names) and run in one transaction: a refused batch writes
nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..errors import XAPIError
from ..forwarding import forwards_record
from ..identities import learner_id_from_agent
from ..models import AttachmentContent, Statement, StatementKey, value_hash
from ..validation import (
    VOIDED_VERB,
    format_timestamp,
    parse_timestamp,
    statements_match,
    validate_statement,
    validate_statement_batch,
)
from ..versions import XAPI_1_0_3, statement_version_default
from .activities import activity_definitions_update, defined_activity_hashes
from .statement_keys import statement_keys, stored_keys_of


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
            # A part is matched by its SHA-2 alone (Communication 1.5.2.s1.b4), which the
            # resource has already checked against its content; the declared length is
            # metadata the Statement keeps unchanged, not a second test (ADR 0023).
            if sha2 not in parts and "fileUrl" not in attachment:
                raise XAPIError(
                    f"statement[{index}] attachment {sha2}: no fileUrl and no part with this hash"
                )
    unused = set(parts) - declared
    if unused:
        raise XAPIError(
            "attachment part(s) not declared by any statement: " + ", ".join(sorted(unused))
        )


def _prepare(statement: dict, *, authority: dict, stored: dt.datetime, version: str) -> dict:
    prepared = dict(statement)
    prepared["id"] = str(uuid.UUID(statement["id"])) if "id" in statement else str(uuid.uuid4())
    prepared["authority"] = authority
    prepared["stored"] = format_timestamp(stored)
    prepared.setdefault("timestamp", prepared["stored"])
    # Kept as sent; set when missing to the version the statement was sent under (ADR 0045).
    prepared.setdefault("version", statement_version_default(version))
    return prepared


# Keys repeat across statements (verbs, activities, agents): their hash is remembered for the
# most recent few thousand short ones.
_REMEMBERED_KEY_LENGTH = 512
_key_hash_remembered = functools.lru_cache(maxsize=8192)(value_hash)


def _key_hash(value: str) -> str:
    if len(value) <= _REMEMBERED_KEY_LENGTH:
        return _key_hash_remembered(value)
    return value_hash(value)


def _target_id(statement: dict) -> uuid.UUID | None:
    obj = statement["object"]
    return uuid.UUID(obj["id"]) if obj.get("objectType") == "StatementRef" else None


# Statements and their keys in one round trip (PostgreSQL): the keys' INSERT joins the
# statements' RETURNING on statement_id; keys inherited by stored statements name their pk.
# The rows travel as two JSON documents, which costs Python one C-encoded dump each instead of
# quoting every element of a dozen arrays. The same round trip reads the stored definitions of
# the activities the statements define (unlocked, as `activity_definitions_update` would).
_INSERT_STATEMENTS_AND_KEYS = """
WITH new AS (
    INSERT INTO xapi_statement (
        "statement_id", "data", "stored", "timestamp", "verb_iri", "registration",
        "university_id", "learner_id", "client_id", "target_statement_id", "is_voiding", "voided"
    )
    SELECT * FROM jsonb_to_recordset(%s::jsonb) AS row (
        statement_id uuid, data jsonb, stored timestamptz, timestamp timestamptz, verb_iri text,
        registration uuid, university_id bigint, learner_id bigint, client_id bigint,
        target_statement_id uuid, is_voiding boolean, voided boolean
    )
    RETURNING id, statement_id
), keys AS (
    INSERT INTO xapi_statementkey ("statement_id", "kind", "value_hash", "stored")
    SELECT COALESCE(new.id, key_row.pk), key_row.kind, key_row.hash, key_row.stored
    FROM jsonb_to_recordset(%s::jsonb)
        AS key_row (uuid uuid, pk bigint, kind smallint, hash text, stored timestamptz)
    LEFT JOIN new ON new.statement_id = key_row.uuid
    ON CONFLICT DO NOTHING
)
SELECT id, statement_id, NULL::text, NULL::text FROM new
UNION ALL
SELECT NULL::bigint, NULL::uuid, iri_hash, definition::text FROM xapi_activity
WHERE (university_id = %s OR (%s::bigint IS NULL AND university_id IS NULL))
    AND iri_hash = ANY(%s::text[])
"""


@dataclass(frozen=True)
class _StoredRow:
    """The columns of a stored statement the store reads to decide about a batch."""

    pk: int
    statement_id: uuid.UUID
    data: dict
    stored: dt.datetime
    university_id: int | None
    target_statement_id: uuid.UUID | None
    is_voiding: bool


_RELATED_ROWS = """
SELECT id, statement_id, data::text, stored, university_id, target_statement_id, is_voiding
FROM xapi_statement
WHERE statement_id = ANY(%s::uuid[]) OR target_statement_id = ANY(%s::uuid[])
"""


def _related_rows(statement_ids: set[uuid.UUID], targeted: list[uuid.UUID]) -> list[_StoredRow]:
    """Stored statements with one of `statement_ids`, or targeting one of `targeted`."""
    if connection.vendor == "postgresql":
        # The hottest read of the LRS, without the ORM's query building (a large share of a
        # small POST's Python time), on the database production runs.
        with connection.cursor() as cursor:
            cursor.execute(_RELATED_ROWS, [list(statement_ids), targeted])
            return [
                _StoredRow(pk, statement_id, json.loads(data), *rest)
                for pk, statement_id, data, *rest in cursor.fetchall()
            ]
    return [
        _StoredRow(*values)
        for values in Statement.objects.filter(
            Q(statement_id__in=statement_ids) | Q(target_statement_id__in=targeted)
        ).values_list(
            "id",
            "statement_id",
            "data",
            "stored",
            "university_id",
            "target_statement_id",
            "is_voiding",
        )
    ]


def _insert_in_one_statement(
    rows, key_values, inherited, *, stored, university_id, activity_hashes
) -> dict[str, dict]:
    """Insert `rows` and their keys with one data-modifying CTE; set the rows' pks. Returns
    the stored definitions of `activity_hashes` (iri_hash → definition)."""
    stored_text = stored.isoformat()
    key_rows = [
        {"uuid": str(statement_id), "kind": kind, "hash": hashed, "stored": stored_text}
        for statement_id, pairs in key_values.items()
        for kind, hashed in pairs
    ]
    key_rows += [
        {"pk": row.pk, "kind": kind, "hash": hashed, "stored": row.stored.isoformat()}
        for row, kind, hashed in inherited
    ]
    statement_rows = [
        {
            "statement_id": str(row.statement_id),
            "data": row.data,
            "stored": stored_text,
            "timestamp": row.timestamp.isoformat(),
            "verb_iri": row.verb_iri,
            "registration": str(row.registration) if row.registration else None,
            "university_id": row.university_id,
            "learner_id": row.learner_id,
            "client_id": row.client_id,
            "target_statement_id": (
                str(row.target_statement_id) if row.target_statement_id else None
            ),
            "is_voiding": row.is_voiding,
            "voided": row.voided,
        }
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_STATEMENTS_AND_KEYS,
            [
                json.dumps(statement_rows),
                json.dumps(key_rows),
                university_id,
                university_id,
                activity_hashes,
            ],
        )
        pks, definitions = {}, {}
        for pk, statement_id, iri_hash, definition in cursor.fetchall():
            if pk is None:
                definitions[iri_hash] = json.loads(definition)
            else:
                pks[statement_id] = pk
    for row in rows:
        row.pk = pks[row.statement_id]
        row._state.adding = False
        row._state.db = connection.alias
    return definitions


def _insert_in_two(rows, key_values, inherited, *, stored) -> None:
    """Other databases (SQLite in development and tests): the ORM's two bulk inserts."""
    Statement.objects.bulk_create(rows)
    by_id = {row.statement_id: row for row in rows}
    if not rows[0].pk:
        by_id = {
            row.statement_id: row for row in Statement.objects.filter(statement_id__in=list(by_id))
        }
        for row in rows:
            row.pk = by_id[row.statement_id].pk
    key_rows = [
        StatementKey(statement=by_id[statement_id], kind=kind, value_hash=hashed, stored=stored)
        for statement_id, pairs in key_values.items()
        for kind, hashed in pairs
    ]
    key_rows += [
        StatementKey(statement_id=row.pk, kind=kind, value_hash=hashed, stored=row.stored)
        for row, kind, hashed in inherited
    ]
    StatementKey.objects.bulk_create(key_rows, ignore_conflicts=True)


def statements_store(
    statements: list[dict],
    *,
    authority: dict,
    university_id: int | None,
    client_id: int | None = None,
    may_void: bool = True,
    attachments: dict[str, AttachmentPart] | None = None,
    version: str = XAPI_1_0_3,
) -> list[str]:
    """Store validated statements for one principal; return their ids in order.

    `version` is the xAPI version they were sent (and validated) under; a statement without
    a `version` property is stored with "1.0.0" under 1.0.3 and "2.0.0" under 2.0 (ADR 0045).

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
    prepared = [
        _prepare(s, authority=authority, stored=stored, version=version) for s in statements
    ]
    ids = [uuid.UUID(p["id"]) for p in prepared]
    # Each statement's UUIDs, parsed once (ids are unique within a batch: validation).
    id_of = {p["id"]: statement_id for p, statement_id in zip(prepared, ids, strict=True)}
    target_of = {statement_id: _target_id(p) for p, statement_id in zip(prepared, ids, strict=True)}

    with transaction.atomic():
        # One round trip reads every stored row this batch touches: statements with its ids
        # (conflict or identical re-post), the statements its StatementRefs target, and
        # statements stored earlier that target one of its ids.
        all_targets = set(target_of.values()) - {None}
        related = _related_rows(set(ids) | all_targets, ids)
        by_statement_id = {row.statement_id: row for row in related}
        new = []
        for statement, received, statement_id in zip(prepared, statements, ids, strict=True):
            if statement_id in by_statement_id:
                if not statements_match(by_statement_id[statement_id].data, received):
                    raise XAPIError(
                        f"statement {statement_id} is already stored with different content", 409
                    )
                continue  # the same statement again: nothing to change (Communication 2.1.2)
            new.append(statement)
        if not new:
            return [str(i) for i in ids]

        new_ids = {id_of[s["id"]] for s in new}
        targets = {target_of[i] for i in new_ids} - {None}
        voiding_targets = {target_of[id_of[s["id"]]] for s in new if s["verb"]["id"] == VOIDED_VERB}
        if voiding_targets and not may_void:
            raise XAPIError("these credentials may not void statements", 403)
        target_rows = {t: by_statement_id[t] for t in targets if t in by_statement_id}
        batch_voiding = {id_of[s["id"]] for s in new if s["verb"]["id"] == VOIDED_VERB}
        for target in voiding_targets:
            row = target_rows.get(target)
            if (row is not None and row.is_voiding) or target in batch_voiding:
                raise XAPIError(f"statement {target} is a voiding statement and cannot be voided")
            if row is not None and row.university_id != university_id:
                raise XAPIError(f"statement {target} is outside these credentials' scope", 403)
        # Stored statements that target one of the new ones: they inherit its keys below,
        # and a voiding one among them voids it on arrival.
        referring = [
            row
            for row in related
            if row.target_statement_id in new_ids and row.statement_id not in new_ids
        ]
        voided_on_arrival = {
            row.target_statement_id
            for row in referring
            if row.is_voiding and row.university_id == university_id
        } | (voiding_targets & new_ids)

        learner_ids = {learner_id_from_agent(s["actor"]) for s in new} - {None}
        if learner_ids:
            learner_ids = set(
                get_user_model().objects.filter(pk__in=learner_ids).values_list("pk", flat=True)
            )
        rows = []
        for statement in new:
            learner_id = learner_id_from_agent(statement["actor"])
            statement_id = id_of[statement["id"]]
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
                    target_statement_id=target_of[statement_id],
                    is_voiding=statement["verb"]["id"] == VOIDED_VERB,
                    voided=statement_id in voided_on_arrival
                    and statement["verb"]["id"] != VOIDED_VERB,
                )
            )
        # (kind, hash) pairs per new statement.
        key_values: dict[uuid.UUID, set[tuple[int, str]]] = {
            id_of[s["id"]]: {(kind, _key_hash(v)) for kind, v in statement_keys(s)} for s in new
        }
        # StatementRef targets pass their keys on (Communication 2.1.3.s3), in batch order
        # so a chain inside one batch resolves too.
        stored_target_keys = (
            stored_keys_of([row.pk for row in target_rows.values()]) if target_rows else {}
        )
        for statement in new:
            target = target_of[id_of[statement["id"]]]
            if target is None:
                continue
            own = key_values[id_of[statement["id"]]]
            if target in key_values:
                own |= key_values[target]
            elif target in target_rows:
                own |= stored_target_keys.get(target_rows[target].pk, set())
        # Statements stored earlier that target one of the new ones inherit its keys now.
        inherited = [
            (row, kind, hashed)
            for row in referring
            for kind, hashed in key_values[row.target_statement_id]
        ]
        definitions = None  # read by `activity_definitions_update` unless read here
        try:
            if connection.vendor == "postgresql":
                definitions = _insert_in_one_statement(
                    rows,
                    key_values,
                    inherited,
                    stored=stored,
                    university_id=university_id,
                    activity_hashes=defined_activity_hashes(new),
                )
            else:
                _insert_in_two(rows, key_values, inherited, stored=stored)
        except IntegrityError:
            # Another request stored one of these ids between our check and our insert.
            raise XAPIError(
                "a statement with one of these ids was stored concurrently", 409
            ) from None

        if voiding_targets:
            Statement.objects.filter(
                statement_id__in=voiding_targets, is_voiding=False, university_id=university_id
            ).update(voided=True)
        activity_definitions_update(
            statements=new, university_id=university_id, current=definitions
        )
        forwards_record(rows, university_id=university_id)
        for sha2, part in attachments.items():
            AttachmentContent.objects.get_or_create(
                sha2=sha2, defaults={"content_type": part.content_type, "content": part.content}
            )
    return [str(i) for i in ids]


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
    """Validate the body of a statements POST (see `validation.validate_statement_batch`)."""
    return validate_statement_batch(payload, max_statements=max_statements)
