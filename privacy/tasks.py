"""Thin Celery tasks of the privacy app."""

from celery import shared_task

from . import services


@shared_task(
    acks_late=True, time_limit=3600, soft_time_limit=3540, name="privacy.retention_enforce"
)
def retention_enforce() -> dict:
    """Run by beat (`CELERY_BEAT_SCHEDULE`); deleting what is past its period is idempotent."""
    outcome = services.retention_enforce()
    return {"statements": outcome.statements, "audit_events": outcome.audit_events}
