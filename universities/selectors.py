"""Reads about who belongs where. Gates do not call these directly: they ask the access core
(`universities.access.reach`), which reads memberships through `university_ids_for`."""

from .models import Membership, Role


def university_ids_for(user, *roles: str) -> set[int]:
    """Ids of the universities where `user` holds any of `roles` (all roles when none given)."""
    if not user or not user.is_authenticated:
        return set()
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = list(Membership.objects.filter(user=user).values_list("university_id", "role"))
        user._membership_cache = cache
    return {university_id for university_id, role in cache if not roles or role in roles}


def home_membership(user) -> Membership | None:
    """The learner membership naming the user's home university, if any."""
    if not user or not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("university").filter(user=user, role=Role.LEARNER).first()
    )
