"""Reads for the LTI tool."""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import Page

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


def registration_by_id(registration_id) -> PlatformRegistration | None:
    return (
        PlatformRegistration.objects.select_related("university")
        .filter(pk=registration_id, is_active=True)
        .first()
    )


def runs_taught_through_lti(user) -> Q:
    """The runs a partner platform's instructor launched into (plugged into teaching.access)."""
    runs = ContextLink.objects.filter(instructors=user, registration__is_active=True)
    return Q(pk__in=runs.values("run_id"))


def deep_linking_pages(registration: PlatformRegistration) -> list:
    """The courses the partner has been given, each followed by its live modules and lessons
    in tree order (the deep-linking picker)."""
    pages = []
    for course in registration.courses.live().order_by("title", "pk"):
        pages.append(course.specific)
        pages.extend(Page.objects.live().descendant_of(course).specific().order_by("path"))
    return pages
