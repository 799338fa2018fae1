"""What the reports app stores: API tokens, export jobs, weekly schedules, erasure counters.

Report rows themselves are never stored: they are read from `learning` on demand. An export
job's file lives under the private storage directory (`settings.PRIVATE_STORAGE_ROOT`), never
under MEDIA_ROOT, and is served only through the gated download view.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    ENROLLMENTS = "enrollments", _("Enrollments")
    COURSE_SUMMARY = "course_summary", _("Per-course summary")
    PROGRAM_SUMMARY = "program_summary", _("Per-program summary")


class ReportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")


class ApiToken(models.Model):
    """A bearer token a student information system uses to read one university's reports.

    Only the SHA-256 digest of the token is stored. The token is 256 random bits, so a fast
    unsalted hash is enough: nobody can guess or brute-force a preimage, and a constant-time
    lookup by digest needs no per-row salt (unlike passwords, which are low-entropy).
    """

    name = models.CharField(_("name"), max_length=100)
    university = models.ForeignKey(
        "universities.University", on_delete=models.CASCADE, related_name="api_tokens"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The first characters of the token, shown in lists so people can tell tokens apart.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # A token acts for its creator in this role at `university`, and only while the creator
    # is active and still holds it (`reports.services.tokens`); it dies at `expires_at`.
    role = models.CharField(max_length=20, default="registrar")
    expires_at = models.DateTimeField(null=True)
    revoked_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class ExportJob(models.Model):
    """A report generated in the background because it is too large to stream at once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The scope the job was requested in; the download is re-checked against it.
    university = models.ForeignKey(
        "universities.University", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    format = models.CharField(max_length=10, choices=ReportFormat.choices)
    filters = models.JSONField(default=dict, blank=True)
    with_bom = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Relative to PRIVATE_STORAGE_ROOT.
    file_name = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the running job every REPORTS_JOB_HEARTBEAT_SECONDS from a connection of its
    # own; a RUNNING job whose heartbeat is older than REPORTS_JOB_STALE_SECONDS lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    schedule = models.ForeignKey(
        "ScheduledReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.format} · {self.status}"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == self.Status.READY else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ScheduledReport(models.Model):
    """A report a registrar receives every week, generated by the beat-driven task."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scheduled_reports"
    )
    university = models.ForeignKey(
        "universities.University", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    format = models.CharField(max_length=10, choices=ReportFormat.choices)
    filters = models.JSONField(default=dict, blank=True)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    is_active = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(db_index=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["next_run_at"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.get_weekday_display()}"


class ErasedEnrollment(models.Model):
    """An anonymous trace of an enrollment whose learner was erased (data-protection request).

    No personal data: only which course run, which home university, and how far it had got.
    Summaries add these to their counts so totals do not silently shrink (see
    ADR 0008).
    """

    run = models.ForeignKey("courses.CourseRun", on_delete=models.CASCADE, related_name="+")
    outline = models.ForeignKey(
        "learning.CourseOutline", on_delete=models.CASCADE, related_name="+"
    )
    home_university = models.ForeignKey(
        "universities.University", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    program = models.ForeignKey(
        "courses.ProgramPage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20)
    # The day only: enough for date-range filters, too coarse to re-identify anyone.
    enrolled_on = models.DateField()
    erased_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["run", "status"])]

    def __str__(self) -> str:
        return f"erased · run {self.run_id} · {self.status}"
