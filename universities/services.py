"""Writes about institutions and memberships."""

from django.db import transaction

from .models import Membership, Role, University


@transaction.atomic
def membership_grant(
    *, user, university: University, role: str, student_number: str = ""
) -> Membership:
    """Give `user` a role at `university`; idempotent.

    A learner membership names the user's home university; `full_clean` refuses a second
    home university or a student number already taken at that university.
    """
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    membership = Membership.objects.filter(user=user, university=university, role=role).first()
    if membership is None:
        membership = Membership(
            user=user, university=university, role=role, student_number=student_number
        )
        membership.full_clean()
        membership.save()
    elif student_number and membership.student_number != student_number:
        membership.student_number = student_number
        membership.full_clean()
        membership.save(update_fields=["student_number"])
    user.__dict__.pop("_membership_cache", None)
    return membership


@transaction.atomic
def membership_revoke(*, user, university: University, role: str) -> None:
    """Take `role` at `university` away from `user`; idempotent."""
    Membership.objects.filter(user=user, university=university, role=role).delete()
    user.__dict__.pop("_membership_cache", None)
