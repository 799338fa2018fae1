"""Every write of the reports app: exports (streamed or in the background), API tokens,
weekly schedules, and the audit record each export leaves.

Report contents come from `reports.selectors`, always through a `ReportScope` from
`reports.access`; nothing here decides who may see what.
"""

import hashlib
import logging
import math
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import audit_record
from outbox.services import enqueue

from . import selectors
from .access import ReportAccessDenied, ReportScope, report_scope_for_job, report_scope_for_staff
from .filters import ReportFilters, parse_report_filters
from .formats import csv_chunks, enrollment_csv_chunks, queryset_rows, xlsx_write
from .models import ApiToken, ExportJob, ReportFormat, ReportKind, ScheduledReport
from .rows import ENROLLMENT_COLUMNS, header

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ReportError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- Settings with defaults (the lead may set them in lms/settings/base.py) -----------------


def stream_max_rows() -> int:
    """Above this many rows an enrollment report is generated in the background."""
    return int(getattr(settings, "REPORTS_STREAM_MAX_ROWS", 20_000))


def private_root() -> Path:
    """Where background exports are written: outside MEDIA_ROOT, never served directly."""
    return Path(getattr(settings, "PRIVATE_STORAGE_ROOT", settings.BASE_DIR / "var" / "private"))


def file_ttl() -> timedelta:
    return timedelta(hours=int(getattr(settings, "REPORTS_FILE_TTL_HOURS", 72)))


# --- Building a report ---------------------------------------------------------------------


def report_kind_and_format(kind: str, fmt: str) -> tuple[str, str]:
    if kind not in ReportKind.values:
        raise ReportError("bad_kind", _("Unknown report: choose enrollments or a summary."))
    if fmt not in ReportFormat.values:
        raise ReportError("bad_format", _("Unknown format: choose csv or xlsx."))
    return kind, fmt


def report_row_count(scope: ReportScope, filters: ReportFilters, kind: str) -> int | None:
    """Rows an enrollment report will have (one COUNT query); None for summaries (small)."""
    if kind != ReportKind.ENROLLMENTS:
        return None
    return selectors.enrollments_for_report(scope, filters).count()


def _summary(scope, filters, kind) -> tuple[list[str], list[list]]:
    if kind == ReportKind.COURSE_SUMMARY:
        columns, rows = selectors.COURSE_SUMMARY_COLUMNS, selectors.course_summary(scope, filters)
    else:
        columns, rows = selectors.PROGRAM_SUMMARY_COLUMNS, selectors.program_summary(scope, filters)
    return header(columns), [[row[c.key] for c in columns] for row in rows]


def _xlsx_chunks(sheets, progress) -> Iterator[bytes]:
    # An XLSX file is a zip archive, which cannot be streamed: spool it, then relay it.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        xlsx_write(spool, sheets, progress=progress)
        spool.seek(0)
        while chunk := spool.read(256 * 1024):
            yield chunk


def _summary_chunks(kind, fmt, head, rows, *, bom, progress=None) -> Iterator[bytes]:
    if fmt == ReportFormat.CSV:
        return csv_chunks(head, rows, bom=bom, neutralize=True, progress=progress)
    return _xlsx_chunks([(str(ReportKind(kind).label), head, rows)], progress)


def report_chunks(
    scope: ReportScope, filters: ReportFilters, kind: str, fmt: str, *, bom: bool, progress=None
) -> Iterator[bytes]:
    """The report file as byte chunks; CSV streams row by row from the database."""
    if kind != ReportKind.ENROLLMENTS:
        head, rows = _summary(scope, filters, kind)
        return _summary_chunks(kind, fmt, head, rows, bom=bom, progress=progress)
    rows = selectors.enrollment_report_rows(scope, filters, spreadsheet=True)
    head = header(ENROLLMENT_COLUMNS)
    if fmt == ReportFormat.CSV:
        return enrollment_csv_chunks(head, rows, bom=bom, progress=progress)
    return _xlsx_chunks([(str(ReportKind(kind).label), head, queryset_rows(rows))], progress)


def report_filename(scope: ReportScope, kind: str, fmt: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return f"{scope.university.code}-{kind}-{stamp}.{fmt}"


def report_audit(
    *,
    actor,
    scope: ReportScope,
    kind: str,
    fmt: str,
    filters: ReportFilters,
    rows,
    channel: str,
    extra: dict | None = None,
):
    """The audit record every export leaves: who, which scope, which filters, how many rows."""
    return audit_record(
        actor=actor,
        action="report.exported",
        university=scope.university,
        summary=f"{kind} {fmt} via {channel}: {rows} rows",
        details={
            "scope": scope.describe(),
            "kind": kind,
            "format": fmt,
            "filters": filters.as_json(),
            "rows": rows,
            "channel": channel,
            **(extra or {}),
        },
    )


@dataclass
class StreamedReport:
    filename: str
    content_type: str
    chunks: Iterator[bytes]
    rows: int


def report_stream(
    *, actor, scope: ReportScope, filters: ReportFilters, kind: str, fmt: str, bom: bool = False
) -> StreamedReport:
    """A report small enough to stream to the browser now; audited before the first byte."""
    kind, fmt = report_kind_and_format(kind, fmt)
    if kind == ReportKind.ENROLLMENTS:
        count = report_row_count(scope, filters, kind)
        if count > stream_max_rows():
            raise ReportError("too_large", _("This report is large; it will be prepared for you."))
        chunks = report_chunks(scope, filters, kind, fmt, bom=bom)
    else:
        # Summaries are a few rows computed up front (a fixed handful of queries).
        head, rows = _summary(scope, filters, kind)
        count = len(rows)
        chunks = _summary_chunks(kind, fmt, head, rows, bom=bom)
    report_audit(
        actor=actor, scope=scope, kind=kind, fmt=fmt, filters=filters, rows=count, channel="web"
    )
    return StreamedReport(report_filename(scope, kind, fmt), CONTENT_TYPES[fmt], chunks, count)


# --- Background exports ----------------------------------------------------------------------


@transaction.atomic
def export_job_request(
    *,
    actor,
    scope: ReportScope,
    filters: ReportFilters,
    kind: str,
    fmt: str,
    bom: bool = False,
    schedule: ScheduledReport | None = None,
) -> ExportJob:
    """Queue a background export; the task starts once this transaction has committed."""
    from .tasks import export_job_generate

    kind, fmt = report_kind_and_format(kind, fmt)
    job = ExportJob.objects.create(
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        university=scope.university,
        kind=kind,
        format=fmt,
        filters=filters.as_json(),
        with_bom=bom,
        schedule=schedule,
    )
    enqueue(export_job_generate, job.pk)
    return job


def _claim(job_id: int) -> ExportJob | None:
    """Mark the job running if nobody else is on it; a job stuck in RUNNING past the task time
    limit (its worker died; acks_late re-delivered it) may be claimed again."""
    stale = timezone.now() - timedelta(seconds=_job_time_limit())
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None
        runnable = job.status == ExportJob.Status.PENDING or (
            job.status == ExportJob.Status.RUNNING and job.started_at and job.started_at < stale
        )
        if not runnable:
            return None
        job.status = ExportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.rows_done = 0
        job.save(update_fields=["status", "started_at", "rows_done"])
        return job


def _job_time_limit() -> int:
    return int(getattr(settings, "REPORTS_JOB_TIME_LIMIT", 3600))


def job_file_path(job: ExportJob) -> Path:
    return private_root() / "reports" / job.file_name


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Generate a queued export into a private file. Idempotent: a job that is finished or
    being generated by someone else is left alone. Emails the requester when ready."""
    job = _claim(job_id)
    if job is None:
        return None
    scope = report_scope_for_job(job)
    filters = parse_report_filters(job.filters)
    directory = private_root() / "reports"
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{job.uuid}.{job.format}"
    partial = directory / f"{name}.part"
    total = report_row_count(scope, filters, job.kind)
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total or 0)
    last = [time.monotonic()]

    def progress(done: int) -> None:
        # At most one UPDATE a second: the page polls, it does not need every row.
        if time.monotonic() - last[0] >= 1:
            last[0] = time.monotonic()
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    written = [0]

    def counted(done: int) -> None:
        written[0] = done
        progress(done)

    try:
        with open(partial, "wb") as out:
            for chunk in report_chunks(
                scope, filters, job.kind, job.format, bom=job.with_bom, progress=counted
            ):
                out.write(chunk)
        os.chmod(partial, 0o600)
        os.replace(partial, directory / name)
    except Exception as error:
        logger.exception("export job %s failed", job.pk)
        partial.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(error)[:300], finished_at=timezone.now()
        )
        return ExportJob.objects.get(pk=job.pk)
    rows = total if total is not None else written[0]
    now = timezone.now()
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.READY,
            file_name=name,
            rows_total=rows,
            rows_done=rows,
            finished_at=now,
            expires_at=now + file_ttl(),
        )
        job.refresh_from_db()
        report_audit(
            actor=job.requested_by,
            scope=scope,
            kind=job.kind,
            fmt=job.format,
            filters=filters,
            rows=rows,
            channel="schedule" if job.schedule_id else "background",
            extra={"job": str(job.uuid)},
        )
    _notify_ready(job)
    return job


def _notify_ready(job: ExportJob) -> None:
    user = job.requested_by
    if user is None or not user.email:
        return
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        url = settings.SITE_URL + reverse("reports_site:job", args=[job.uuid])
        send_mail(
            _("Your report is ready"),
            _(
                "The report you asked for (%(kind)s, %(rows)s rows) is ready until "
                "%(expires)s:\n\n%(url)s\n\nThe link works only for people allowed to see it."
            )
            % {
                "kind": job.get_kind_display(),
                "rows": job.rows_total,
                "expires": job.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
                "url": url,
            },
            None,
            [user.email],
        )


def export_jobs_expire(*, now: datetime | None = None) -> int:
    """Delete the files of expired exports; the job rows stay (marked expired) as history."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.READY, expires_at__lte=now):
        if job.file_name:
            job_file_path(job).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file_name="")
        expired += 1
    return expired


# --- Weekly schedules --------------------------------------------------------------------------


def _next_weekday(weekday: int, after: datetime) -> datetime:
    hour = int(getattr(settings, "REPORTS_SCHEDULE_HOUR_UTC", 5))
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


# --- API tokens -----------------------------------------------------------------------------

TOKEN_PREFIX = "ilm_"  # noqa: S105 - a public marker, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, university, name: str, created_by) -> tuple[ApiToken, str]:
    """A new token for `university`'s reports. Returns the token row and the secret, which is
    not stored (only its SHA-256) and cannot be shown again."""
    name = (name or "").strip()
    if not name or len(name) > 100 or any(ord(ch) < 32 for ch in name):
        raise ReportError("bad_name", _("Give the token a name of up to 100 characters."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 bits of randomness
    token = ApiToken(
        name=name,
        university=university,
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        prefix=raw[: len(TOKEN_PREFIX) + 4],
        digest=token_digest(raw),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=created_by,
        action="api_token.created",
        university=university,
        target=token,
        summary=f"API token {token.prefix}… '{name}'",
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token for good; idempotent."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoked",
            university=token.university,
            target=token,
            summary=f"API token {token.prefix}… revoked",
        )
    return token


def api_token_authenticate(raw: str | None) -> ApiToken | None:
    """The active token matching `raw`, with `last_used_at` brought up to date."""
    if not raw or len(raw) > 200 or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("university", "created_by")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # One write a minute at most: a busy integration should not turn reads into writes.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def rate_limit_hit(key: str, *, limit: int | None = None, window: int | None = None) -> int | None:
    """Count one request for `key` in a fixed window (Django's cache, shared by every worker
    when the cache is Redis). Returns None if allowed, else the seconds until the next window."""
    limit = limit or int(getattr(settings, "REPORTS_API_RATE_LIMIT", 120))
    window = window or int(getattr(settings, "REPORTS_API_RATE_WINDOW", 60))
    now = time.time()
    bucket = int(now // window)
    cache_key = f"reports:rate:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, math.ceil((bucket + 1) * window - now))
    return None
