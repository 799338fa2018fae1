"""Thin Celery tasks for the instructor tools: take ids, call a service."""

from celery import shared_task

from outbox.services import enqueue

from .services import announcement_deliveries_send

# Seconds of sending per run, well inside the soft limit: a run that ends on time hands the
# rest to a fresh run rather than being interrupted. A single send that hangs past the soft
# limit is recorded as failed on its row, and the run ends there too.
SEND_TIME_BUDGET = 420


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def announcement_email_send(announcement_id: int) -> int:
    """Send the announcement's pending deliveries; returns how many were sent this run.

    Idempotent: a redelivered or duplicated message finds the rows already sent (ADR 0018).
    """
    result = announcement_deliveries_send(
        announcement_id=announcement_id, time_budget=SEND_TIME_BUDGET
    )
    if result.unfinished:
        enqueue(announcement_email_send, announcement_id)
    return result.sent
