"""Erasing a learner at their request, and enforcing the retention periods (ADR 0040).

Erasure deletes the account. Before the row goes, in the same transaction: the statements
and documents naming them are deleted (`xapi`), the audit events about them lose their
personal fields (`audit`). Deleting the user then cascades through enrollments, progress,
attempts and memberships, while `reports` writes its anonymous traces (ADR 0008) and
credentials keep their row with no learner, so they still verify. One audit event, naming
nobody, says that an erasure happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from audit.selectors import audit_events_about
from audit.services import audit_events_anonymise, audit_events_prune, audit_record
from certificates.models import Credential
from learning.models import Enrollment
from universities.access import is_platform_staff, reach
from universities.models import Membership, Role
from wallets.services import learner_wallet_records_erase
from xapi.services import learner_statements_erase, statements_prune

from .selectors import learner_emails

# Roles whose holder acts for others: their account is closed by an administrator, who first
# hands their work on, never by the person alone.
STAFF_ROLES = (Role.INSTRUCTOR, Role.EDITOR, Role.REGISTRAR)


class ErasureRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def erasure_refusal(user) -> str | None:
    """Why `user` may not erase their own account, or None if they may."""
    if user.is_staff or is_platform_staff(user) or reach(user, *STAFF_ROLES):
        return _(
            "Your account holds a staff role, so it cannot be erased from here: others depend "
            "on its work. Ask your university's administrator to remove your roles first."
        )
    return None


@dataclass(frozen=True)
class ErasureOutcome:
    enrollments: int
    statements: int
    credentials: int
    audit_events: int


@transaction.atomic
def account_erase(*, user) -> ErasureOutcome | None:
    """Erase `user`'s account and personal data; None if it is already gone (a second run).

    Raises `ErasureRefused` for staff (see `erasure_refusal`). The caller has confirmed the
    person's identity (their password, `forms.ErasureConfirmForm`) and logs them out after.
    """
    User = get_user_model()
    account = User.objects.select_for_update().filter(pk=user.pk).first() if user.pk else None
    if account is None:
        return None
    refusal = erasure_refusal(account)
    if refusal is not None:
        raise ErasureRefused(refusal)
    credential_ids = list(Credential.objects.filter(learner=account).values_list("pk", flat=True))
    membership_ids = list(Membership.objects.filter(user=account).values_list("pk", flat=True))
    enrollments = Enrollment.objects.filter(learner=account).count()
    statements = learner_statements_erase(user=account, emails=learner_emails(account))
    about = audit_events_about(
        account,
        targets={
            "universities.membership": membership_ids,
            "certificates.credential": credential_ids,
        },
    )
    event_ids = list(about.values_list("pk", flat=True))
    acted_by = set(about.filter(actor=account).values_list("pk", flat=True))
    account_id = account.pk
    # A delivery protects the token it used, so it goes first, with the offers.
    learner_wallet_records_erase(user=account)
    account.delete()
    # The cascade itself records "membership revoked" events naming the person (the account
    # still exists while its memberships go), so the events are anonymised after it.
    audit_events = audit_events_anonymise(
        events=AuditEvent.objects.filter(Q(pk__in=event_ids) | Q(details__user_id=account_id)),
        acted_by=acted_by,
    )
    outcome = ErasureOutcome(
        enrollments=enrollments,
        statements=statements,
        credentials=len(credential_ids),
        audit_events=audit_events,
    )
    audit_record(
        actor=None,
        action="account.erased",
        summary="A learner's account was erased at their request",
        details={
            "enrollments": outcome.enrollments,
            "statements": outcome.statements,
            "credentials_kept": outcome.credentials,
            "audit_events_anonymised": outcome.audit_events,
        },
    )
    return outcome


@dataclass(frozen=True)
class RetentionOutcome:
    statements: int
    audit_events: int


def _cutoff(days: int, now: dt.datetime) -> dt.datetime | None:
    return now - dt.timedelta(days=days) if days and days > 0 else None


def retention_enforce(*, now: dt.datetime | None = None) -> RetentionOutcome:
    """Delete xAPI statements and audit events older than their retention periods
    (`ILM_XAPI_STATEMENT_RETENTION_DAYS`, `ILM_AUDIT_RETENTION_DAYS`; 0 keeps them forever).
    Idempotent: run it as often as you like."""
    now = now or timezone.now()
    statement_cutoff = _cutoff(settings.ILM_XAPI_STATEMENT_RETENTION_DAYS, now)
    audit_cutoff = _cutoff(settings.ILM_AUDIT_RETENTION_DAYS, now)
    return RetentionOutcome(
        statements=statements_prune(before=statement_cutoff) if statement_cutoff else 0,
        audit_events=audit_events_prune(before=audit_cutoff) if audit_cutoff else 0,
    )
