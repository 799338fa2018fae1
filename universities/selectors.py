"""Reads about who belongs where. Every role check in the project goes through here."""

from django.db.models import QuerySet

from .models import Membership, Role, University


def is_platform_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


def university_ids_for(user, *roles: str) -> set[int]:
    """Ids of the universities where `user` holds any of `roles` (all roles when none given)."""
    if not user or not user.is_authenticated:
        return set()
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = list(Membership.objects.filter(user=user).values_list("university_id", "role"))
        user._membership_cache = cache
    return {university_id for university_id, role in cache if not roles or role in roles}


def universities_for(user, *roles: str) -> QuerySet[University]:
    return University.objects.filter(pk__in=university_ids_for(user, *roles))


def home_membership(user) -> Membership | None:
    """The learner membership naming the user's home university, if any."""
    if not user or not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("university").filter(user=user, role=Role.LEARNER).first()
    )


def has_role(user, role: str, university_id: int | None = None) -> bool:
    ids = university_ids_for(user, role)
    return bool(ids) if university_id is None else university_id in ids
