"""Writing to the audit log."""

from django.db import models

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
