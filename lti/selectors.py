"""Reads for the LTI tool."""

from __future__ import annotations

from django.db.models import Q

from .models import ContextLink, PlatformRegistration


def registration_for(issuer: str, client_id: str | None) -> PlatformRegistration | None:
    """The active registration of a platform: by issuer and client id, or by issuer alone when
    the platform sends no client id and has only one registration with Ilm."""
    rows = PlatformRegistration.objects.select_related("university").filter(
        issuer=issuer, is_active=True
    )
    if client_id:
        return rows.filter(client_id=client_id).first()
    candidates = list(rows[:2])
    return candidates[0] if len(candidates) == 1 else None


def registration_for_token(issuer: str, aud) -> PlatformRegistration | None:
    audiences = aud if isinstance(aud, list) else [aud]
    return (
        PlatformRegistration.objects.select_related("university")
        .filter(issuer=issuer, client_id__in=[str(a) for a in audiences if a], is_active=True)
        .first()
    )


def runs_taught_through_lti(user) -> Q:
    """The runs a partner platform's instructor launched into (plugged into teaching.access)."""
    runs = ContextLink.objects.filter(instructors=user, registration__is_active=True)
    return Q(pk__in=runs.values("run_id"))
