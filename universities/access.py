"""The one access core: may this person act for this university in one of these roles?

Every gate in the project is built from `reach()` (ADR 0016). A gate for a resource comes in
two shapes, as in Zulip's `access_stream_common` / `access_stream_by_id`:

- a queryset gate for lists: `reach(user, *roles).filter(queryset, "university_id")`;
- a by-id gate for one object: the same queryset, then `object_or_404(queryset, pk=...)`, so
  an object that does not exist and one the person may not see answer alike.

Platform staff (superusers) reach every university. Nobody else reaches a university except
through a `Membership` holding one of the roles asked for. Inactive and anonymous users reach
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import University
from .selectors import university_ids_for


def is_platform_staff(user) -> bool:
    """Platform staff run the whole instance: they act for every university in every role."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


@dataclass(frozen=True)
class Reach:
    """The universities one person may act for in the roles asked for."""

    everywhere: bool
    university_ids: frozenset[int]

    def __bool__(self) -> bool:
        return self.everywhere or bool(self.university_ids)

    def includes(self, university_id) -> bool:
        return self.everywhere or university_id in self.university_ids

    def q(self, field: str = "university_id") -> Q:
        """A filter on `field` (a university id or a lookup ending in one)."""
        if self.everywhere:
            return Q()
        return Q(**{f"{field}__in": self.university_ids})

    def filter(self, queryset: QuerySet, field: str = "university_id") -> QuerySet:
        """The queryset gate: the rows of `queryset` whose `field` lies within reach."""
        if self.everywhere:
            return queryset
        if not self.university_ids:
            return queryset.none()
        return queryset.filter(self.q(field))

    def universities(self) -> QuerySet[University]:
        return self.filter(University.objects.all(), "pk")


NOWHERE = Reach(everywhere=False, university_ids=frozenset())


def reach(user, *roles: str) -> Reach:
    """Where `user` may act in any of `roles`: the core every gate is built on.

    Without roles, any membership counts. Memberships are read once per user object.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NOWHERE
    if is_platform_staff(user):
        return Reach(everywhere=True, university_ids=frozenset())
    return Reach(everywhere=False, university_ids=frozenset(university_ids_for(user, *roles)))


def may_act_for(user, university_id, *roles: str) -> bool:
    """Platform staff, or a member holding one of `roles` at `university_id`."""
    return reach(user, *roles).includes(university_id)


def object_or_404(queryset: QuerySet, **lookup):
    """The one object of an already gated queryset, or 404.

    Malformed ids (a caller bypassing the URL converter) answer 404 too: a forged id learns
    nothing about what exists. The URL's int converter takes any length, and SQLite refuses
    integers past 64 bits with an OverflowError, so that is a malformed id as well.
    """
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
        raise Http404 from None
