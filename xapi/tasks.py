"""Background work of the learning record store: forwarding to universities' own LRSs."""

from celery import shared_task


@shared_task(name="xapi.forward_statements", ignore_result=True, soft_time_limit=240)
def forward_statements(*, lrs_id: int) -> int:
    from .forwarding import forwards_deliver

    return forwards_deliver(lrs_id=lrs_id)


@shared_task(name="xapi.forward_due", ignore_result=True)
def forward_due() -> int:
    """The periodic sweep: retries whose backoff has passed, and work of a lost worker."""
    from .forwarding import forwards_deliver, forwards_due_lrs_ids

    ids = forwards_due_lrs_ids()
    for lrs_id in ids:
        forwards_deliver(lrs_id=lrs_id)
    return len(ids)
