"""Issuance that always happens exactly once: failures recorded, retried, and swept.

The issuing task (`tasks.py`) calls `certificate_issue` / `program_certificate_issue`. When
they fail for a reason other than "not completed", `failure_record` stores why and when to try
again (exponential backoff, capped), and the learner's request that caused the completion is
never failed by it (on the embedded default the task runs inside that request). Success
deletes the record. `missing_credentials_issue` finds completed enrollments that have no
credential — a lost task, a failure past its retries, a crash between completion and
issuance — and issues them; the unique constraint on (learner, achievement) keeps each
credential single however many paths try at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from learning.models import Enrollment, ProgramEnrollment

from .models import Credential, IssuanceFailure
from .services import CertificateError, certificate_issue, program_certificate_issue

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 6 * 60 * 60
# `CertificateError.code` of a refusal that means nothing is owed.
NOT_COMPLETED = "not_completed"
MAX_ERROR_CHARS = IssuanceFailure._meta.get_field("last_error").max_length


def retry_delay_seconds(attempts: int) -> int:
    """60 s after the first failure, doubling each time, never more than six hours."""
    return min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)


def failure_record(
    *, enrollment_id: int | None = None, program_enrollment_id: int | None = None, error
) -> IssuanceFailure:
    """Count one more failed attempt for the enrollment and schedule the next one."""
    if (enrollment_id is None) == (program_enrollment_id is None):
        raise ValueError("give exactly one of enrollment_id and program_enrollment_id")
    now = timezone.now()
    text = f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]
    with transaction.atomic():
        if enrollment_id is not None:
            enrollment = Enrollment.objects.select_related("outline").get(pk=enrollment_id)
            university_id = enrollment.outline.university_id
            lookup = {"enrollment_id": enrollment_id}
        else:
            program_enrollment = ProgramEnrollment.objects.select_related("program").get(
                pk=program_enrollment_id
            )
            university_id = program_enrollment.program.lead_university_id
            lookup = {"program_enrollment_id": program_enrollment_id}
        failure = IssuanceFailure.objects.select_for_update().filter(**lookup).first()
        if failure is None:
            failure = IssuanceFailure(university_id=university_id, **lookup)
        failure.attempts += 1
        failure.last_error = text
        failure.last_failed_at = now
        failure.next_attempt_at = now + timedelta(seconds=retry_delay_seconds(failure.attempts))
        failure.save()
    logger.error(
        "certificate issuance failed (attempt %s) for %s: %s", failure.attempts, lookup, text
    )
    return failure


@dataclass(frozen=True)
class IssueOutcome:
    credential: Credential | None
    failure: IssuanceFailure | None


def course_certificate_attempt(enrollment_id: int) -> IssueOutcome:
    """Issue the course credential, or record why not. Never raises for a failed issuance."""
    try:
        credential = certificate_issue(enrollment_id=enrollment_id)
    except CertificateError as error:
        if error.code != NOT_COMPLETED:
            return IssueOutcome(None, failure_record(enrollment_id=enrollment_id, error=error))
        # Not completed (any more): nothing is owed, so nothing to retry.
        logger.info("no certificate for enrollment %s: %s", enrollment_id, error)
        IssuanceFailure.objects.filter(enrollment_id=enrollment_id).delete()
        return IssueOutcome(credential=None, failure=None)
    except Exception as error:  # any failure is recorded and retried
        return IssueOutcome(None, failure_record(enrollment_id=enrollment_id, error=error))
    IssuanceFailure.objects.filter(enrollment_id=enrollment_id).delete()
    return IssueOutcome(credential=credential, failure=None)


def program_certificate_attempt(program_enrollment_id: int) -> IssueOutcome:
    """Issue the program credential, or record why not. Never raises for a failed issuance."""
    try:
        credential = program_certificate_issue(program_enrollment_id=program_enrollment_id)
    except CertificateError as error:
        if error.code != NOT_COMPLETED:
            failure = failure_record(program_enrollment_id=program_enrollment_id, error=error)
            return IssueOutcome(None, failure)
        logger.info("no certificate for program enrollment %s: %s", program_enrollment_id, error)
        IssuanceFailure.objects.filter(program_enrollment_id=program_enrollment_id).delete()
        return IssueOutcome(credential=None, failure=None)
    except Exception as error:  # any failure is recorded and retried
        failure = failure_record(program_enrollment_id=program_enrollment_id, error=error)
        return IssueOutcome(None, failure)
    IssuanceFailure.objects.filter(program_enrollment_id=program_enrollment_id).delete()
    return IssueOutcome(credential=credential, failure=None)


def _due(now):
    """Not failing, or failing with its next attempt due."""
    return Q(issuance_failure__isnull=True) | Q(issuance_failure__next_attempt_at__lte=now)


def _course_enrollments_owed(now, limit: int) -> list[int]:
    # A learner's credential for the course may come from an earlier run: it is keyed by
    # the achievement (the course's translation key), not by the enrollment.
    candidates = list(
        Enrollment.objects.filter(status=Enrollment.Status.COMPLETED)
        .filter(~Exists(Credential.objects.filter(enrollment=OuterRef("pk"))))
        .filter(_due(now))
        .order_by("completed_at", "pk")
        .values_list("pk", "learner_id", "run__course__translation_key")[: limit * 2]
    )
    keys = {f"course:{key}" for _, _, key in candidates}
    held = set(
        Credential.objects.filter(
            learner_id__in={learner for _, learner, _ in candidates}, achievement_key__in=keys
        ).values_list("learner_id", "achievement_key")
    )
    owed = [pk for pk, learner, key in candidates if (learner, f"course:{key}") not in held]
    return owed[:limit]


def _program_enrollments_owed(now, limit: int) -> list[int]:
    return list(
        ProgramEnrollment.objects.filter(status=ProgramEnrollment.Status.COMPLETED)
        .filter(~Exists(Credential.objects.filter(program_enrollment=OuterRef("pk"))))
        .filter(_due(now))
        .order_by("completed_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


@dataclass(frozen=True)
class SweepResult:
    issued: int
    failed: int


def missing_credentials_issue(*, limit: int = 200) -> SweepResult:
    """Issue credentials that completed enrollments lack; returns what happened."""
    now = timezone.now()
    issued = failed = 0
    for enrollment_id in _course_enrollments_owed(now, limit):
        outcome = course_certificate_attempt(enrollment_id)
        issued += outcome.credential is not None
        failed += outcome.failure is not None
    for program_enrollment_id in _program_enrollments_owed(now, limit):
        outcome = program_certificate_attempt(program_enrollment_id)
        issued += outcome.credential is not None
        failed += outcome.failure is not None
    if issued or failed:
        logger.info("certificate sweep: %s issued, %s failed", issued, failed)
    return SweepResult(issued=issued, failed=failed)
