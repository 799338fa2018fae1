"""Forwarding statements to a university's own LRS (ADR 0057).

When `statements_store` stores a statement of a university that has an active `ExternalLRS`
whose filters it passes, it writes a `ForwardedStatement` row in the same transaction, and
asks (through the outbox, after commit) for `xapi.forward_statements` to run. That task sends
each learner's statements in the order they were stored: only the oldest unsent row of a
(LRS, learner) queue is ever sent, under a row lock held across the HTTP request, so two
workers never send the same row and a later statement never overtakes an earlier one.

Each statement is sent with `PUT /statements?statementId=<its id>`, so a repeat after a
worker died between the receiver's answer and our commit is harmless: the receiver answers
204 for a statement it already has with the same content. A 409 is checked with a GET of that
id, and counts as sent when the receiver's copy matches. Other failures are retried with
exponential backoff (capped), and after `MAX_ATTEMPTS` the row is `failed` and visible on the
registrar's status page; it holds back that learner's later statements, which keeps order.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
from pathlib import Path

import requests
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from outbox.services import enqueue

from .forwarding_hosts import endpoint_refusal
from .models import ExternalLRS, ForwardedStatement, ForwardingBackfill, Statement
from .tasks import forward_statements
from .validation import statements_match

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 60 * 60
REQUEST_TIMEOUT_SECONDS = 15
_SEALED_PREFIX = "v1:"


# --- the stored secret -----------------------------------------------------------------------


def _sealing_key() -> bytes:
    material = settings.ILM_KEY_ENCRYPTION_KEY
    if not material and settings.ILM_KEY_ENCRYPTION_KEY_FILE:
        material = Path(settings.ILM_KEY_ENCRYPTION_KEY_FILE).read_text(encoding="ascii").strip()
    material = material or settings.SECRET_KEY
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"ilm external lrs secret"
    ).derive(material.encode("utf-8"))


def secret_seal(secret: str, *, key: str) -> str:
    """Encrypt a Basic-auth secret, bound to its key (associated data)."""
    nonce = os.urandom(12)
    sealed = AESGCM(_sealing_key()).encrypt(nonce, secret.encode("utf-8"), key.encode("utf-8"))
    return _SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def secret_open(sealed: str, *, key: str) -> str:
    raw = base64.urlsafe_b64decode(sealed.removeprefix(_SEALED_PREFIX).encode("ascii"))
    try:
        return AESGCM(_sealing_key()).decrypt(raw[:12], raw[12:], key.encode("utf-8")).decode()
    except InvalidTag:
        raise ValueError("the stored secret cannot be opened with this key") from None


# --- which statements ------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def statement_passes(lrs: ExternalLRS, statement: dict) -> bool:
    """True if the LRS's verb and activity-prefix filters let `statement` through."""
    verbs = _lines(lrs.verb_iris)
    if verbs and statement["verb"]["id"] not in verbs:
        return False
    prefixes = _lines(lrs.activity_prefixes)
    if prefixes:
        obj = statement["object"]
        if obj.get("objectType", "Activity") != "Activity":
            return False
        return any(obj["id"].startswith(prefix) for prefix in prefixes)
    return True


def forwards_record(rows: list[Statement], *, university_id: int | None) -> int:
    """In the storing transaction: queue the learners' statements for the university's LRSs.

    Only statements about an Ilm learner are forwarded (their learner's order is kept).
    Returns how many rows were queued; asks for a delivery run after commit when any were.
    """
    if university_id is None or all(row.learner_id is None for row in rows):
        return 0  # nothing to forward: no need to ask which LRSs there are
    targets = list(ExternalLRS.objects.filter(university_id=university_id, is_active=True))
    if not targets:
        return 0
    now = timezone.now()
    queued = [
        ForwardedStatement(
            lrs=lrs,
            statement=row,
            statement_uuid=row.statement_id,
            learner_key=row.learner_id,
            next_attempt_at=now,
        )
        for lrs in targets
        for row in rows
        if row.learner_id is not None and statement_passes(lrs, row.data)
    ]
    if not queued:
        return 0
    ForwardedStatement.objects.bulk_create(queued, ignore_conflicts=True)
    for lrs_id in {q.lrs_id for q in queued}:
        enqueue(forward_statements, lrs_id=lrs_id)
    return len(queued)


# --- delivery --------------------------------------------------------------------------------


def backoff_seconds(attempts: int) -> int:
    """The wait after the `attempts`-th failed attempt: 30 s, 60 s, 120 s, ... at most 6 h."""
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


class DeliveryError(Exception):
    pass


def _statement_url(lrs: ExternalLRS) -> str:
    return lrs.endpoint.rstrip("/") + "/statements"


def _send(lrs: ExternalLRS, statement: Statement) -> None:
    """PUT the statement under its own id; return if the receiver has it, else raise."""
    auth = (lrs.key, secret_open(lrs.secret_sealed, key=lrs.key))
    headers = {"X-Experience-API-Version": lrs.xapi_version, "Content-Type": "application/json"}
    params = {"statementId": str(statement.statement_id)}
    body = {k: v for k, v in statement.data.items() if k not in {"stored", "authority"}}
    refusal = endpoint_refusal(lrs.endpoint)
    if refusal:
        raise DeliveryError(refusal)
    try:
        response = requests.put(
            _statement_url(lrs),
            params=params,
            data=json.dumps(body),
            headers=headers,
            auth=auth,
            timeout=REQUEST_TIMEOUT_SECONDS,
            allow_redirects=False,  # a redirect could lead to an address the check refused
        )
    except requests.RequestException as error:
        raise DeliveryError(f"{type(error).__name__}: {error}"[:300]) from None
    if response.status_code in (200, 204):
        return
    if response.status_code == 409:
        # Same id: sent before (our answer was lost) or a different statement under it.
        check = requests.get(
            _statement_url(lrs), params=params, headers=headers, auth=auth,
            timeout=REQUEST_TIMEOUT_SECONDS, allow_redirects=False,
        )  # fmt: skip
        if check.status_code == 200 and statements_match(check.json(), body):
            return
        raise DeliveryError("409: the receiver holds a different statement with this id")
    raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")


def _queue_heads(lrs_id: int, now: dt.datetime) -> list[int]:
    """The oldest unsent row of each learner's queue (by the statement's row, which is the
    order of storing), if it is due. While a back-fill runs, only heads it has already
    walked past go: an older statement of that learner may still be on its way in."""
    heads = (
        ForwardedStatement.objects.filter(lrs_id=lrs_id)
        .exclude(status=ForwardedStatement.Status.SENT)
        .values("learner_key")
        .annotate(head=Min("statement_id"))
        .values_list("head", flat=True)
    )
    due = ForwardedStatement.objects.filter(
        lrs_id=lrs_id,
        statement_id__in=list(heads),
        next_attempt_at__lte=now,
        status__in=[ForwardedStatement.Status.PENDING, ForwardedStatement.Status.FAILING],
    )
    backfill_cursor = (
        ForwardingBackfill.objects.filter(lrs_id=lrs_id, status=ForwardingBackfill.Status.RUNNING)
        .values_list("cursor", flat=True)
        .first()
    )
    if backfill_cursor is not None:
        due = due.filter(statement_id__lte=backfill_cursor)
    return list(due.order_by("statement_id").values_list("pk", flat=True))


def _deliver_one(delivery_id: int) -> bool | None:
    """Send one queue head under its row lock. True sent, False failed, None skipped."""
    with transaction.atomic():
        delivery = (
            ForwardedStatement.objects.select_for_update(skip_locked=True)
            .select_related("lrs", "statement")
            .filter(pk=delivery_id)
            .exclude(status=ForwardedStatement.Status.SENT)
            .first()
        )
        if delivery is None or not delivery.lrs.is_active:
            return None
        delivery.attempts += 1
        try:
            _send(delivery.lrs, delivery.statement)
        except (DeliveryError, ValueError) as error:
            delivery.last_error = str(error)[:300]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = ForwardedStatement.Status.FAILED
            else:
                delivery.status = ForwardedStatement.Status.FAILING
            delivery.next_attempt_at = timezone.now() + dt.timedelta(
                seconds=backoff_seconds(delivery.attempts)
            )
            delivery.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return False
        delivery.status = ForwardedStatement.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return True


def forwards_deliver(*, lrs_id: int, limit: int = 1000) -> int:
    """Send due statements to one LRS, each learner's in order; returns how many were sent."""
    sent = 0
    while sent < limit:
        heads = _queue_heads(lrs_id, timezone.now())
        progressed = False
        for delivery_id in heads:
            result = _deliver_one(delivery_id)
            if result:
                sent += 1
                progressed = True
        if not progressed:
            break
    return sent


def forwards_due_lrs_ids() -> list[int]:
    """Active LRSs with a due unsent statement (for the periodic sweep)."""
    return list(
        ExternalLRS.objects.filter(
            is_active=True,
            deliveries__status__in=[
                ForwardedStatement.Status.PENDING,
                ForwardedStatement.Status.FAILING,
            ],
            deliveries__next_attempt_at__lte=timezone.now(),
        )
        .distinct()
        .values_list("pk", flat=True)
    )


# --- the status page ------------------------------------------------------------------------


def forwarding_status(lrs_queryset) -> list[dict]:
    """Per LRS: its configuration, counts per status, the latest failures and back-fill."""
    rows = []
    for lrs in lrs_queryset.order_by("name"):
        counts = dict(
            lrs.deliveries.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        failures = list(
            lrs.deliveries.filter(
                status__in=[ForwardedStatement.Status.FAILING, ForwardedStatement.Status.FAILED]
            ).order_by("id")[:20]
        )
        backfill = lrs.backfills.order_by("-requested_at", "-pk").first()
        rows.append({"lrs": lrs, "counts": counts, "failures": failures, "backfill": backfill})
    return rows
