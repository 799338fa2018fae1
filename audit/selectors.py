"""Reads of the audit log about one person, for their data download and their erasure."""

from django.db.models import Q, QuerySet

from .models import AuditEvent


def audit_events_about(user, *, targets: dict[str, list] | None = None) -> QuerySet[AuditEvent]:
    """Events `user` did, events naming them (`details.user_id`, their account as target), and
    events whose target is one of `targets` ({"app.model": [ids]}: their memberships and
    credentials, which the caller knows and this app does not)."""
    about = (
        Q(actor=user)
        | Q(details__user_id=user.pk)
        | Q(target_type=user._meta.label_lower, target_id=str(user.pk))
    )
    for target_type, ids in (targets or {}).items():
        if ids:
            about |= Q(target_type=target_type, target_id__in=[str(i) for i in ids])
    return AuditEvent.objects.filter(about)


def audit_records_of(user, *, targets: dict[str, list] | None = None) -> list[dict]:
    """The events of `audit_events_about`, as plain values: one query."""
    return list(
        audit_events_about(user, targets=targets)
        .order_by("occurred_at", "pk")
        .values("occurred_at", "action", "university__code", "summary", "details")
    )
