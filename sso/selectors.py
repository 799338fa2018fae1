"""Reads about university sign-ins."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from universities.access import is_platform_staff

from .models import UniversitySignIn


def sign_in_for_provider(provider_id: str) -> UniversitySignIn | None:
    """The university sign-in behind allauth's provider id (`uni-<code>`), if any."""
    return (
        UniversitySignIn.objects.select_related("university", "social_app")
        .filter(social_app__provider_id=provider_id)
        .first()
    )


def sign_in_for_university_code(code: str) -> UniversitySignIn | None:
    return (
        UniversitySignIn.objects.select_related("university", "social_app")
        .filter(university__code=code)
        .first()
    )


def sign_ins_listed() -> QuerySet[UniversitySignIn]:
    """Every university sign-in, for the buttons on the sign-in page."""
    return UniversitySignIn.objects.select_related("university", "social_app").order_by(
        "university__name"
    )


def password_refusing_sign_in(user) -> UniversitySignIn | None:
    """The sign-in of a university that switched local passwords off for `user`, if any.

    An account belongs to such a university through a membership there or an account linked
    through its provider. Platform staff are never refused, so the platform stays reachable.
    """
    if user is None or user.pk is None or is_platform_staff(user):
        return None
    return (
        UniversitySignIn.objects.select_related("university", "social_app")
        .filter(local_passwords_allowed=False)
        .filter(
            Q(university__memberships__user=user)
            | Q(social_app__provider_id__in=user.socialaccount_set.values("provider"))
        )
        .first()
    )
