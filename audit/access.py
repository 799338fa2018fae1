"""The audit log's gates, on the one access core: who may read which events."""

from django.db.models import QuerySet

from universities.access import object_or_404, reach
from universities.models import Role

from .models import AuditEvent


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Platform staff read everything; editors read their universities' events; others none.

    Editors also need the `audit.view_auditevent` permission their group grants, so an
    administrator can take the log away from a group without touching memberships.
    """
    editors = reach(user, Role.EDITOR)
    if not editors.everywhere and not (user and user.has_perm("audit.view_auditevent")):
        return AuditEvent.objects.none()
    return editors.filter(AuditEvent.objects.all())


def audit_event_for(user, event_id) -> AuditEvent:
    """One event of `audit_events_visible_to`: another university's is "not found"."""
    return object_or_404(audit_events_visible_to(user), pk=event_id)
