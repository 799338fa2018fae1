"""Reads behind every report, dashboard and API answer. All take a `ReportScope` from
`reports.access`; none can be called without one.

Each function issues a fixed number of queries, whatever the number of rows; the per-row
work is done by the database or by streaming iterators, never by loading a table into memory.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CourseRun
from learning.models import Enrollment
from learning.standing import progress_percent_expression
from universities.models import Role

from .access import ReportScope
from .filters import ReportFilters
from .models import ApiToken, ErasedEnrollment, ExportJob, ScheduledReport
from .rows import HOME, Column, country_names, enrollment_rows, university_name

ACTIVE_DAYS = 30


def enrollments_for_report(scope: ReportScope, filters: ReportFilters) -> QuerySet[Enrollment]:
    """The scope's enrollments that match `filters` (deleted learners are gone with them)."""
    return scope.enrollments().filter(filters.enrollment_filter())


def enrollment_report_rows(
    scope: ReportScope, filters: ReportFilters, *, spreadsheet: bool, with_key: bool = False
) -> QuerySet:
    """The scope's enrollment report rows (`rows.enrollment_rows`), scoped through the home
    membership the rows join anyway (ADR 0047): the same rows as `enrollments_for_report`."""
    return enrollment_rows(
        Enrollment.objects.filter(filters.enrollment_filter()),
        university_id=scope.university_id,
        in_scope=scope.home_or_course_filter(HOME),
        spreadsheet=spreadsheet,
        with_key=with_key,
        sort=filters.sort,
    )


def erased_for_report(scope: ReportScope, filters: ReportFilters) -> QuerySet[ErasedEnrollment]:
    """Anonymous traces of erased learners' enrollments, in the same scope and filters."""
    in_scope = Q(home_university_id=scope.university_id) | Q(run__course_id__in=scope.course_ids())
    return ErasedEnrollment.objects.filter(in_scope & filters.erased_enrollment_filter())


def _progress_expression():
    # The same rule the pages apply (ADR 0042): 100 only when no lesson is left.
    return progress_percent_expression()


def _medians(queryset: QuerySet, group_field: str, counts: dict) -> dict:
    """Median progress per group in one streamed, sorted pass (constant memory)."""
    medians: dict = {}
    position, current, low = 0, object(), None
    rows = (
        queryset.annotate(report_progress=_progress_expression())
        .order_by(group_field, "report_progress")
        .values_list(group_field, "report_progress")
    )
    for group, progress in rows.iterator(chunk_size=2000):
        if group != current:
            current, position, low = group, 0, None
        n = counts.get(group, 0)
        if n and position == (n - 1) // 2:
            low = progress
        if n and position == n // 2:
            medians[group] = (Decimal(low) + Decimal(progress)) / 2
        position += 1
    return medians


COURSE_SUMMARY_COLUMNS = [
    Column("course_id", _("Course id")),
    Column("course", _("Course")),
    Column("university_name", _("Owning university")),
    Column("enrolled", _("Enrolled")),
    Column("active_30_days", _("Active in the last 30 days")),
    Column("completed", _("Completed")),
    Column("completion_rate", _("Completion rate %")),
    Column("median_progress", _("Median progress %")),
    Column("erased_learners", _("Erased learners")),
]


def course_summary(scope: ReportScope, filters: ReportFilters, *, now=None) -> list[dict]:
    """One row per course: enrolled, active in 30 days, completed, completion rate, median
    progress. Erased learners' enrollments stay in `enrolled` and `completed` (from their
    anonymous traces) and are shown separately; activity and medians cover remaining ones."""
    now = now or timezone.now()
    queryset = enrollments_for_report(scope, filters)
    grouped = (
        queryset.values("run__course_id", "run__course__title", "run__course__university__code")
        .annotate(
            university_name=university_name("run__course__university"),
            enrolled=Count("pk"),
            active=Count("pk", filter=Q(last_activity_at__gte=now - timedelta(days=ACTIVE_DAYS))),
            completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
        )
        .order_by("run__course__title", "run__course_id")
    )
    grouped = list(grouped)
    erased = {
        row["run__course_id"]: row
        for row in erased_for_report(scope, filters)
        .values("run__course_id", "run__course__title", "run__course__university__code")
        .annotate(
            university_name=university_name("run__course__university"),
            erased=Count("pk"),
            erased_completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
        )
        .order_by()
    }
    counts = {row["run__course_id"]: row["enrolled"] for row in grouped}
    medians = _medians(queryset, "run__course_id", counts)
    result = []
    for row in grouped:
        course_id = row["run__course_id"]
        gone = erased.pop(course_id, {"erased": 0, "erased_completed": 0})
        result.append(
            _course_row(row, gone["erased"], gone["erased_completed"], medians.get(course_id))
        )
    for row in erased.values():  # courses whose every learner was erased
        result.append(
            _course_row(
                {**row, "enrolled": 0, "active": 0, "completed": 0},
                row["erased"],
                row["erased_completed"],
                None,
            )
        )
    return result


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def _course_row(row: dict, erased: int, erased_completed: int, median) -> dict:
    enrolled = row["enrolled"] + erased
    completed = row["completed"] + erased_completed
    return {
        "course_id": row["run__course_id"],
        "course": row["run__course__title"],
        "university": row["run__course__university__code"],
        "university_name": row["university_name"],
        "enrolled": enrolled,
        "active_30_days": row["active"],
        "completed": completed,
        "completion_rate": _rate(completed, enrolled),
        "median_progress": None if median is None else median.quantize(Decimal("0.1")),
        "erased_learners": erased,
    }


PROGRAM_SUMMARY_COLUMNS = [
    Column("program_id", _("Program id")),
    Column("program", _("Program")),
    Column("lead_university_name", _("Lead university")),
    Column("learners", _("Learners")),
    Column("course_enrollments", _("Course enrollments")),
    Column("courses_completed", _("Courses completed")),
    Column("programs_completed", _("Programs completed")),
    Column("credits_earned", _("Credits earned")),
    Column("erased_learners", _("Erased enrollments")),
]


def program_summary(scope: ReportScope, filters: ReportFilters) -> list[dict]:
    """One row per program the scope's enrollments belong to."""
    queryset = enrollments_for_report(scope, filters).filter(program_enrollment__isnull=False)
    grouped = (
        queryset.values(
            "program_enrollment__program_id",
            "program_enrollment__program__title",
            "program_enrollment__program__lead_university__code",
        )
        .annotate(
            lead_university_name=university_name("program_enrollment__program__lead_university"),
            learners=Count("learner_id", distinct=True),
            course_enrollments=Count("pk"),
            courses_completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
            programs_completed=Count(
                "program_enrollment_id",
                distinct=True,
                filter=Q(program_enrollment__status="completed"),
            ),
            credits=Sum(
                Case(
                    When(status=Enrollment.Status.COMPLETED, then=F("outline__ects_credits")),
                    default=Value(Decimal("0")),
                    output_field=DecimalField(max_digits=8, decimal_places=1),
                )
            ),
        )
        .order_by("program_enrollment__program__title")
    )
    erased = dict(
        erased_for_report(scope, filters)
        .filter(program__isnull=False)
        .values("program_id")
        .annotate(n=Count("pk"))
        .values_list("program_id", "n")
        .order_by()
    )
    return [
        {
            "program_id": row["program_enrollment__program_id"],
            "program": row["program_enrollment__program__title"],
            "lead_university": row["program_enrollment__program__lead_university__code"],
            "lead_university_name": row["lead_university_name"],
            "learners": row["learners"],
            "course_enrollments": row["course_enrollments"]
            + erased.get(row["program_enrollment__program_id"], 0),
            "courses_completed": row["courses_completed"],
            "programs_completed": row["programs_completed"],
            "credits_earned": Decimal(row["credits"] or 0).quantize(Decimal("0.1")),
            "erased_learners": erased.get(row["program_enrollment__program_id"], 0),
        }
        for row in grouped
    ]


# --- Dashboard -----------------------------------------------------------------------------


MAX_WEEKS = 104
MIN_WEEKS = 12


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def enrollment_weeks(scope: ReportScope, *, now=None) -> list[dict]:
    """Enrollments per week (Monday first), from the week of the scope's first enrollment in
    the last two years (and at least twelve weeks back) to this week, gaps filled with 0; each
    week lists the runs that started in it. One trend across every run, not a calendar
    window that hides last year's intake. Two queries."""
    today = timezone.localdate(now or timezone.now())
    this_week = _monday(today)
    earliest = this_week - timedelta(weeks=MAX_WEEKS - 1)
    counts = {}
    for row in (
        scope.enrollments()
        .filter(enrolled_at__date__gte=earliest)
        .annotate(week=TruncWeek("enrolled_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by("week")
    ):
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        counts[week] = row["n"]
    first = min(min(counts, default=this_week), this_week - timedelta(weeks=MIN_WEEKS - 1))
    runs: dict[date, list[str]] = {}
    for run in (
        CourseRun.objects.filter(
            pk__in=scope.enrollments().values("run_id"), starts_on__gte=first, starts_on__lte=today
        )
        .select_related("course")
        .order_by("starts_on", "pk")
    ):
        runs.setdefault(_monday(run.starts_on), []).append(f"{run.course.title} · {run.term}")
    weeks, week = [], first
    while week <= this_week:
        weeks.append({"week": week, "enrollments": counts.get(week, 0), "runs": runs.get(week, [])})
        week += timedelta(weeks=1)
    return weeks


def completion_funnel(scope: ReportScope, *, limit: int = 8) -> list[dict]:
    """Per course (the largest `limit`): enrolled → started → halfway → completed."""
    return list(
        scope.enrollments()
        .values("run__course_id", "run__course__title")
        .annotate(
            enrolled=Count("pk"),
            started=Count("pk", filter=Q(lessons_completed__gt=0)),
            halfway=Count(
                "pk",
                filter=Q(lessons_total__gt=0, lessons_completed__gte=F("lessons_total") / 2.0),
            ),
            completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
        )
        .order_by("-enrolled", "run__course__title")[:limit]
    )


def learners_by_home(scope: ReportScope) -> list[dict]:
    """Distinct learners in scope per home university (and its country)."""
    rows = (
        scope.enrollments()
        .annotate(
            report_home=FilteredRelation(
                "learner__memberships", condition=Q(learner__memberships__role=Role.LEARNER)
            )
        )
        .values("report_home__university__code", "report_home__university__country")
        .annotate(
            name=university_name("report_home__university"),
            learners=Count("learner_id", distinct=True),
        )
        .order_by("-learners", "name")
    )
    rows = list(rows)
    countries = country_names(row["report_home__university__country"] for row in rows)
    return [
        {
            "university": row["name"] or "—",
            "code": row["report_home__university__code"] or "",
            "country": countries.get(row["report_home__university__country"], "—"),
            "learners": row["learners"],
        }
        for row in rows
    ]


def learners_by_country(by_home: list[dict]) -> list[dict]:
    totals: dict[str, int] = {}
    for row in by_home:
        totals[row["country"]] = totals.get(row["country"], 0) + row["learners"]
    return [{"country": c, "learners": n} for c, n in sorted(totals.items(), key=lambda i: -i[1])]


def recent_export_jobs(scope: ReportScope, *, limit: int = 10) -> list[ExportJob]:
    """The latest export jobs of the scope's university, newest first."""
    return list(ExportJob.objects.filter(university_id=scope.university_id)[:limit])


def api_tokens(scope: ReportScope) -> list[ApiToken]:
    """Every API token of the scope's university, revoked ones included (as history)."""
    return list(ApiToken.objects.filter(university_id=scope.university_id))


def schedules_of_owner(scope: ReportScope, owner) -> list[ScheduledReport]:
    """`owner`'s weekly reports in the scope's university."""
    return list(ScheduledReport.objects.filter(university_id=scope.university_id, owner=owner))
