"""Removing statements: every one about a learner who is erased, and every one older than the
retention period, the platform's (ADR 0040) or its university's (ADR 0060).

Statements are deleted, not rewritten. A statement's JSON is what the LRS promised to return
unchanged; rewriting the actor would keep a record of someone's activity under a new name,
which is still their activity. The filter keys go with them (cascade), and so does attachment
content no remaining statement declares.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..models import (
    AttachmentContent,
    ForwardedStatement,
    Statement,
    StatementKey,
    StatementRetention,
    value_hash,
)
from ..selectors import documents_naming, statements_naming
from .statement_keys import attachment_hashes

# Retention deletes in slices, so a first run over years of statements holds no lock for long
# and never loads millions of rows at once.
PRUNE_BATCH = 5000
_ANY = object()


@transaction.atomic
def learner_statements_erase(*, user, emails) -> int:
    """Delete every statement and document about `user` (see `statements_naming`); return how
    many statements went. Run before the account is deleted: `Statement.learner` protects it."""
    statement_ids = list(statements_naming(user, emails).values_list("pk", flat=True))
    Statement.objects.filter(pk__in=statement_ids).delete()
    documents_naming(user, emails).delete()
    return len(statement_ids)


def _orphaned_attachments_delete(hashes: set[str]) -> None:
    """Delete the content of those attachments no stored statement declares any more."""
    if not hashes:
        return
    by_key = {value_hash(sha2): sha2 for sha2 in hashes}
    needed = set(
        StatementKey.objects.filter(
            kind=StatementKey.Kind.ATTACHMENT, value_hash__in=list(by_key)
        ).values_list("value_hash", flat=True)
    )
    AttachmentContent.objects.filter(
        sha2__in=[sha2 for key, sha2 in by_key.items() if key not in needed]
    ).delete()


def statements_prune(*, before: dt.datetime, university_id=_ANY) -> int:
    """Delete statements stored before `before` (of one university when `university_id` is
    given; None is the platform's own scope); return how many. Idempotent: a second run finds
    nothing to delete. Each slice is its own transaction.

    A statement still waiting to be forwarded to a university's own LRS (ADR 0057) stays
    until it has been sent or has failed for good. Voiding needs no special care: a voided
    statement keeps its `voided` flag whichever of the pair goes first, and one posted again
    after its voiding statement went is stored as new (Communication 2.1.2).
    """
    old = Statement.objects.filter(stored__lt=before).exclude(
        Exists(
            ForwardedStatement.objects.filter(
                statement=OuterRef("pk"),
                status__in=[ForwardedStatement.Status.PENDING, ForwardedStatement.Status.FAILING],
            )
        )
    )
    if university_id is not _ANY:
        old = old.filter(university_id=university_id)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(old.order_by("stored", "pk").values_list("pk", flat=True)[:PRUNE_BATCH])
            if not batch:
                return deleted
            hashes: set[str] = set()
            for data in (
                Statement.objects.filter(pk__in=batch)
                .filter(Q(data__has_key="attachments") | Q(data__object__has_key="attachments"))
                .values_list("data", flat=True)
            ):
                hashes |= attachment_hashes(data)
            Statement.objects.filter(pk__in=batch).delete()
            _orphaned_attachments_delete(hashes)
            deleted += len(batch)


@transaction.atomic
def statement_retention_set(*, university, days: int | None) -> None:
    """Keep `university`'s statements for `days` days; None keeps them forever."""
    if days is None:
        StatementRetention.objects.filter(university=university).delete()
        return
    if days < 1:
        raise ValueError("a retention period is at least one day")
    StatementRetention.objects.update_or_create(university=university, defaults={"days": days})


def university_retention_enforce(*, now: dt.datetime | None = None) -> int:
    """Delete every university's statements older than its `StatementRetention`; return how
    many went. Idempotent and safe to run as often as the beat schedule likes."""
    now = now or timezone.now()
    deleted = 0
    for policy in StatementRetention.objects.order_by("university_id"):
        deleted += statements_prune(
            before=now - dt.timedelta(days=policy.days), university_id=policy.university_id
        )
    return deleted
