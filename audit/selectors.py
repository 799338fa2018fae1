"""Reads of the audit log, scoped to what a person may see."""

from django.db.models import QuerySet

from universities.models import Role
from universities.selectors import is_platform_staff, university_ids_for

from .models import AuditEvent


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Platform staff read everything; editors read their universities' events; others none."""
    if not user or not user.is_authenticated or not user.is_active:
        return AuditEvent.objects.none()
    if is_platform_staff(user):
        return AuditEvent.objects.all()
    if not user.has_perm("audit.view_auditevent"):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(university_id__in=university_ids_for(user, Role.EDITOR))
