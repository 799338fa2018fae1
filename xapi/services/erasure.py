"""Removing statements: every one about a learner who is erased, and every one older than the
retention period (ADR 0040).

Statements are deleted, not rewritten. A statement's JSON is what the LRS promised to return
unchanged; rewriting the actor would keep a record of someone's activity under a new name,
which is still their activity. The filter keys go with them (cascade).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ..models import Statement
from ..selectors import documents_naming, statements_naming

# Retention deletes in slices, so a first run over years of statements holds no lock for long
# and never loads millions of rows at once.
PRUNE_BATCH = 5000


@transaction.atomic
def learner_statements_erase(*, user, emails) -> int:
    """Delete every statement and document about `user` (see `statements_naming`); return how
    many statements went. Run before the account is deleted: `Statement.learner` protects it."""
    statement_ids = list(statements_naming(user, emails).values_list("pk", flat=True))
    Statement.objects.filter(pk__in=statement_ids).delete()
    documents_naming(user, emails).delete()
    return len(statement_ids)


def statements_prune(*, before: dt.datetime) -> int:
    """Delete statements stored before `before`; return how many. Idempotent: a second run
    finds nothing to delete. Each slice is its own transaction."""
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                Statement.objects.filter(stored__lt=before)
                .order_by("stored", "pk")
                .values_list("pk", flat=True)[:PRUNE_BATCH]
            )
            if not batch:
                return deleted
            Statement.objects.filter(pk__in=batch).delete()
            deleted += len(batch)
