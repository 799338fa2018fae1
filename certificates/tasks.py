"""Thin Celery tasks: take an id, call the service. Both services are idempotent, so a
redelivered task (acks_late, a worker that died) finds the credential already issued.

A failed issuance never fails the task's caller: `issuance` records it. On a broker the task
then retries itself with backoff; on the embedded default (eager, inside the learner's request)
it returns, and the sweep retries once the failure's next attempt is due.
"""

from celery import shared_task

from . import issuance

MAX_TASK_RETRIES = 5


def _outcome(task, outcome) -> str | None:
    retry = outcome.failure is not None and not task.request.is_eager
    if retry and task.request.retries < MAX_TASK_RETRIES:
        countdown = issuance.retry_delay_seconds(outcome.failure.attempts)
        raise task.retry(countdown=countdown, max_retries=MAX_TASK_RETRIES)
    return str(outcome.credential.pk) if outcome.credential else None


@shared_task(bind=True, acks_late=True, time_limit=120, soft_time_limit=100)
def issue_course_certificate(self, enrollment_id: int) -> str | None:
    return _outcome(self, issuance.course_certificate_attempt(enrollment_id))


@shared_task(bind=True, acks_late=True, time_limit=120, soft_time_limit=100)
def issue_program_certificate(self, program_enrollment_id: int) -> str | None:
    return _outcome(self, issuance.program_certificate_attempt(program_enrollment_id))


@shared_task(name="certificates.issue_missing", acks_late=True, time_limit=600)
def issue_missing_credentials() -> int:
    return issuance.missing_credentials_issue().issued
