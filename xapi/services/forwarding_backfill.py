"""Back-filling a university's external LRS: statements stored before it queued them (ADR 0057).

A registrar asks; `forwarding_backfill_request` records the request with the newest statement
row of that moment as its end, and a task walks the university's statements in row order, a
slice at a time, each slice its own short transaction. Every statement a live store would
have queued (one about an Ilm learner, passing the LRS's filters) gets the same
`ForwardedStatement` row the live path writes, so the delivery task sends it like any other:
under its own id, in its learner's order. The unique (LRS, statement) row makes asking twice,
a redelivered task and a slice that races a live store all harmless.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.services import enqueue

from ..forwarding import statement_passes
from ..models import ExternalLRS, ForwardedStatement, ForwardingBackfill, Statement
from ..tasks import forward_backfill, forward_statements

BACKFILL_SLICE = 1000
# A run stops after this long and asks for another, so no task outlives its time limit.
BACKFILL_RUN_SECONDS = 180
# A running back-fill untouched for this long lost its worker; the periodic sweep resumes it.
BACKFILL_STALL_SECONDS = 10 * 60


@transaction.atomic
def forwarding_backfill_request(
    *, lrs: ExternalLRS, since: dt.datetime | None = None, requested_by=None
) -> tuple[ForwardingBackfill, bool]:
    """Ask for the university's statements (stored at or after `since`, if given) that the LRS
    has not queued to be queued now. Returns the back-fill and whether it is new: while one
    runs for this LRS, asking again returns it. Raises ValidationError for a stopped LRS."""
    if not lrs.is_active:
        raise ValidationError(_("Reactivate the LRS before sending it older statements."))
    ExternalLRS.objects.select_for_update().filter(pk=lrs.pk).first()  # one request at a time
    running = lrs.backfills.filter(status=ForwardingBackfill.Status.RUNNING).first()
    if running is not None:
        return running, False
    newest = Statement.objects.aggregate(newest=Max("pk"))["newest"] or 0
    backfill = ForwardingBackfill.objects.create(
        lrs=lrs, since=since, until_statement=newest, requested_by=requested_by
    )
    enqueue(forward_backfill, backfill_id=backfill.pk)
    return backfill, True


def _slice_run(backfill_id: int) -> bool:
    """Queue one slice under the back-fill's row lock; True when nothing is left to do."""
    with transaction.atomic():
        backfill = (
            ForwardingBackfill.objects.select_for_update(skip_locked=True)
            .select_related("lrs")
            .filter(pk=backfill_id, status=ForwardingBackfill.Status.RUNNING)
            .first()
        )
        if backfill is None:
            return True  # finished, or another worker holds it
        lrs = backfill.lrs
        candidates = Statement.objects.filter(
            university_id=lrs.university_id,
            learner__isnull=False,
            pk__gt=backfill.cursor,
            pk__lte=backfill.until_statement,
        )
        if backfill.since is not None:
            candidates = candidates.filter(stored__gte=backfill.since)
        statements = list(
            candidates.annotate(
                has_row=Exists(
                    ForwardedStatement.objects.filter(lrs_id=lrs.pk, statement_id=OuterRef("pk"))
                )
            )
            .order_by("pk")
            .only("pk", "statement_id", "learner_id", "data")[:BACKFILL_SLICE]
        )
        now = timezone.now()
        queued = []
        for statement in statements:
            if statement.has_row:
                backfill.already_queued += 1
            elif not statement_passes(lrs, statement.data):
                backfill.filtered_out += 1
            else:
                queued.append(
                    ForwardedStatement(
                        lrs_id=lrs.pk,
                        statement_id=statement.pk,
                        statement_uuid=statement.statement_id,
                        learner_key=statement.learner_id,
                        next_attempt_at=now,
                    )
                )
        # A live store may have queued one of them since the read: its row stands.
        ForwardedStatement.objects.bulk_create(queued, ignore_conflicts=True)
        backfill.queued += len(queued)
        finished = len(statements) < BACKFILL_SLICE
        backfill.cursor = backfill.until_statement if finished else statements[-1].pk
        fields = ["cursor", "queued", "already_queued", "filtered_out", "updated_at"]
        if finished:
            backfill.status = ForwardingBackfill.Status.DONE
            backfill.finished_at = now
            fields += ["status", "finished_at"]
        backfill.save(update_fields=fields)
        if queued or finished:
            # Statements up to the cursor may go now, back-filled or queued live (the sweep
            # picks up the rest each minute).
            enqueue(forward_statements, lrs_id=lrs.pk)
        return finished


def forwarding_backfill_run(*, backfill_id: int, seconds: float = BACKFILL_RUN_SECONDS) -> bool:
    """Queue slices of a back-fill for up to `seconds`; True when it is finished. Idempotent:
    a second run of a finished back-fill does nothing. If time runs out, asks for another run."""
    deadline = time.monotonic() + seconds
    conflicts = 0
    while True:
        try:
            if _slice_run(backfill_id):
                return True
            conflicts = 0
        except IntegrityError:
            # Retention deleted a statement of the slice between our read and our insert:
            # the slice rolled back, and read again it no longer holds that statement.
            conflicts += 1
            if conflicts >= 3:
                raise
        if time.monotonic() >= deadline:
            enqueue(forward_backfill, backfill_id=backfill_id)
            return False


def forwarding_backfills_resume() -> int:
    """Ask again for running back-fills whose worker went away (for the periodic sweep)."""
    stalled = ForwardingBackfill.objects.filter(
        status=ForwardingBackfill.Status.RUNNING,
        updated_at__lt=timezone.now() - dt.timedelta(seconds=BACKFILL_STALL_SECONDS),
    ).values_list("pk", flat=True)
    ids = list(stalled)
    for backfill_id in ids:
        enqueue(forward_backfill, backfill_id=backfill_id)
    return len(ids)
