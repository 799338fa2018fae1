"""Weekly schedules: a registrar's standing order for a report, queued as an export job
when it falls due, and cancelled once its owner may no longer see the scope.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..access import ReportAccessDenied, ReportScope, report_scope_for_staff
from ..errors import ReportError
from ..filters import ReportFilters, parse_report_filters
from ..models import ExportJob, ScheduledReport
from .exports import export_job_request
from .streams import report_kind_and_format


def _next_weekday(weekday: int, after: datetime) -> datetime:
    hour = settings.REPORTS_SCHEDULE_HOUR_UTC
    candidate = after.astimezone(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    candidate += timedelta(days=(weekday - candidate.weekday()) % 7)
    if candidate <= after:
        candidate += timedelta(days=7)
    return candidate


def scheduled_report_create(
    *, owner, scope: ReportScope, kind: str, fmt: str, filters: ReportFilters, weekday: int
) -> ScheduledReport:
    """A weekly report for `owner`, generated in the background on `weekday`."""
    kind, fmt = report_kind_and_format(kind, fmt)
    if weekday not in ScheduledReport.Weekday.values:
        raise ReportError("bad_weekday", _("Choose a day of the week."))
    schedule = ScheduledReport(
        owner=owner,
        university=scope.university,
        kind=kind,
        format=fmt,
        filters=filters.as_json(),
        weekday=weekday,
        next_run_at=_next_weekday(weekday, timezone.now()),
    )
    schedule.full_clean()
    schedule.save()
    return schedule


def scheduled_reports_run_due(*, now: datetime | None = None) -> list[ExportJob]:
    """Queue an export for every schedule that is due, and move it to next week. Safe to run
    twice: a schedule's next run moves forward in the same transaction as its job."""
    now = now or timezone.now()
    jobs = []
    due = ScheduledReport.objects.filter(is_active=True, next_run_at__lte=now).values_list(
        "pk", flat=True
    )
    for schedule_id in list(due):
        with transaction.atomic():
            schedule = (
                ScheduledReport.objects.select_for_update()
                .select_related("owner", "university")
                .filter(pk=schedule_id, is_active=True, next_run_at__lte=now)
                .first()
            )
            if schedule is None:
                continue
            try:
                # The owner's rights are checked again now: a former registrar gets nothing.
                scope = report_scope_for_staff(schedule.owner, schedule.university_id)
            except ReportAccessDenied:
                schedule.is_active = False
                schedule.save(update_fields=["is_active"])
                continue
            jobs.append(
                export_job_request(
                    actor=schedule.owner,
                    scope=scope,
                    filters=parse_report_filters(schedule.filters),
                    kind=schedule.kind,
                    fmt=schedule.format,
                    schedule=schedule,
                )
            )
            schedule.last_run_at = now
            schedule.next_run_at = _next_weekday(schedule.weekday, now)
            schedule.save(update_fields=["last_run_at", "next_run_at"])
    return jobs


@transaction.atomic
def scheduled_report_delete(*, schedule: ScheduledReport, actor) -> None:
    """Stop a weekly report for good; exports it already produced stay until they expire."""
    audit_record(
        actor=actor,
        action="report_schedule.deleted",
        university=schedule.university,
        target=schedule,
        summary=f"weekly {schedule.kind} {schedule.format} report stopped",
    )
    schedule.delete()
