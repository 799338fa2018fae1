"""Writing to the audit log."""

from django.db import models
from django.db.models import QuerySet

from .models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    university=None,
    target: models.Model | None = None,
    summary: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one event. `action` is a dotted verb such as "report.exported" or
    "credential.revoked"; `details` holds what a reviewer needs (scope, filters, row counts).
    Runs inside the caller's transaction, so the event exists only if the action happened."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        university=university,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        details=details or {},
    )


# Keys of `details` that name a person; erasure takes them out of the events about them.
PERSONAL_DETAIL_KEYS = ("user_id", "email", "learner_id", "name")
ERASED_SUMMARY = "Personal data erased at the person's request"


def audit_events_anonymise(*, events: QuerySet[AuditEvent], acted_by: set[int]) -> int:
    """Take the personal fields out of `events` (the events about one person being erased):
    the summary that named them, the ids of them in `details`, and, in the events of
    `acted_by` (ids of the events they did themselves), who they were as recorded. Someone
    else who acted on them stays named: that is their own record.

    This and `audit_events_prune` are the only changes the append-only log allows, made with
    `update()`/`delete()` on querysets because the model refuses them one by one (ADR 0040).
    What happened, when and where stays. One query per event, and a person has few.
    """
    count = 0
    for pk, details in events.values_list("pk", "details"):
        kept = {k: v for k, v in (details or {}).items() if k not in PERSONAL_DETAIL_KEYS}
        changes = {"summary": ERASED_SUMMARY, "details": kept}
        if pk in acted_by:
            changes.update(actor=None, actor_email="")
        AuditEvent.objects.filter(pk=pk).update(**changes)
        count += 1
    return count


def audit_events_prune(*, before) -> int:
    """Delete events older than `before`; return how many. Idempotent."""
    deleted, _ = AuditEvent.objects.filter(occurred_at__lt=before).delete()
    return deleted
