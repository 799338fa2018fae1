"""Thin Celery tasks: take ids, call a service. Enqueued with `transaction.on_commit`.

Every task is idempotent (the services check state before acting), and `acks_late` means a
worker that dies mid-export leaves the message to be delivered again.
"""

from celery import shared_task

from . import services

# A million-row XLSX takes a while (openpyxl writes ~13k rows/s); CSV is far faster.
EXPORT_TIME_LIMIT = 3600


@shared_task(
    acks_late=True,
    time_limit=EXPORT_TIME_LIMIT,
    soft_time_limit=EXPORT_TIME_LIMIT - 60,
    name="reports.export_job_generate",
)
def export_job_generate(job_id: int) -> None:
    services.export_job_run(job_id=job_id)


@shared_task(acks_late=True, time_limit=300, name="reports.export_jobs_cleanup")
def export_jobs_cleanup() -> int:
    return services.export_jobs_expire()


@shared_task(acks_late=True, time_limit=300, name="reports.export_jobs_recover")
def export_jobs_recover() -> int:
    return services.export_jobs_recover()


@shared_task(acks_late=True, time_limit=300, name="reports.scheduled_reports_run")
def scheduled_reports_run() -> int:
    return len(services.scheduled_reports_run_due())
