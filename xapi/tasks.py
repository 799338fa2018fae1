"""Background work of the learning record store: forwarding to universities' own LRSs, and
each university's statement retention (ADR 0060)."""

from celery import shared_task


@shared_task(name="xapi.forward_statements", ignore_result=True, soft_time_limit=240)
def forward_statements(*, lrs_id: int) -> int:
    from .forwarding import forwards_deliver

    return forwards_deliver(lrs_id=lrs_id)


@shared_task(name="xapi.forward_backfill", ignore_result=True, acks_late=True, soft_time_limit=240)
def forward_backfill(*, backfill_id: int) -> bool:
    """Queue a registrar's back-fill, slice by slice; idempotent (ADR 0057)."""
    from .services.forwarding_backfill import forwarding_backfill_run

    return forwarding_backfill_run(backfill_id=backfill_id)


@shared_task(name="xapi.forward_due", ignore_result=True)
def forward_due() -> int:
    """The periodic sweep: retries whose backoff has passed, and work of a lost worker."""
    from .forwarding import forwards_deliver, forwards_due_lrs_ids
    from .services.forwarding_backfill import forwarding_backfills_resume

    forwarding_backfills_resume()
    ids = forwards_due_lrs_ids()
    for lrs_id in ids:
        forwards_deliver(lrs_id=lrs_id)
    return len(ids)


@shared_task(
    name="xapi.retention_enforce",
    ignore_result=True,
    acks_late=True,
    time_limit=3600,
    soft_time_limit=3540,
)
def retention_enforce() -> int:
    """Delete statements past their university's retention period; idempotent."""
    from .services import university_retention_enforce

    return university_retention_enforce()
