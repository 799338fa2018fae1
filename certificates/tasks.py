"""Thin Celery tasks: take an id, call the service. Both services are idempotent, so a
redelivered task (acks_late, a worker that died) finds the credential already issued."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def issue_course_certificate(enrollment_id: int) -> str:
    return str(services.certificate_issue(enrollment_id=enrollment_id).pk)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def issue_program_certificate(program_enrollment_id: int) -> str:
    return str(services.program_certificate_issue(program_enrollment_id=program_enrollment_id).pk)
