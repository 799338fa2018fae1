"""The registrar's pages: dashboard, exports, export progress, API tokens, weekly schedules.

HTTP only: each view asks `reports.access` for a scope, calls a selector or service, and
renders. Scope refusals are `PermissionDenied` (403); bad filters come back on the same page
(400), each message next to its field and the input kept.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import charts, selectors, services
from .access import (
    ReportAccessDenied,
    api_token_in_scope,
    export_job_for_staff,
    report_scope_for_staff,
    report_universities_for,
    schedule_of_owner,
)
from .filters import ReportFilterError, ReportFilterForm, parse_report_filters
from .forms import ExportForm
from .models import ExportJob, ReportFormat, ReportKind, ScheduledReport


def _scope(request, source=None):
    source = source if source is not None else request.GET
    return report_scope_for_staff(request.user, source.get("university"))


def _dashboard(request, scope, form: ExportForm, *, preview=None, status=200):
    """The dashboard around `form`: a fresh one, or the one just submitted, kept as typed."""
    weeks = selectors.enrollment_weeks(scope)
    funnel = selectors.completion_funnel(scope)
    by_home = selectors.learners_by_home(scope)
    by_country = selectors.learners_by_country(by_home)
    stages = [
        ("enrolled", _("Enrolled")),
        ("started", _("Started")),
        ("halfway", _("Halfway")),
        ("completed", _("Completed")),
    ]
    for row in funnel:
        row["label"] = row["run__course__title"]
    context = {
        "scope": scope,
        "weeks": weeks,
        "funnel": funnel,
        "stages": stages,
        "by_home": by_home,
        "by_country": by_country,
        "weeks_chart": charts.week_chart(_("Enrollments per week"), weeks, chart_id="weeks"),
        "funnel_chart": charts.funnel_chart(
            _("Completion funnel by course"), funnel, stages, chart_id="funnel"
        ),
        "home_chart": charts.bar_chart(
            _("Learners by home university"),
            [(r["university"], r["learners"]) for r in by_home[:12]],
            chart_id="home",
        ),
        "country_chart": charts.bar_chart(
            _("Learners by country"),
            [(r["country"], r["learners"]) for r in by_country],
            chart_id="country",
        ),
        "form": form,
        "preview": preview,
        "jobs": selectors.recent_export_jobs(scope),
        "stream_max_rows": settings.REPORTS_STREAM_MAX_ROWS,
    }
    return render(request, "reports/dashboard.html", context, status=status)


@login_required
@require_GET
def dashboard(request):
    try:
        scope = _scope(request)
    except ReportAccessDenied:
        universities = report_universities_for(request.user)
        if not universities.exists():
            raise
        if request.GET.get("university"):
            raise
        return render(request, "reports/choose_university.html", {"universities": universities})
    return _dashboard(request, scope, ExportForm(scope=scope))


@login_required
@require_POST
def export(request):
    """Export, or only count the rows the export would have ("preview"): the same form, scope
    and filters either way. Bad input comes back on the dashboard, kept as typed."""
    scope = _scope(request, request.POST)
    form = ExportForm(request.POST, scope=scope)
    if not form.is_valid():
        return _dashboard(request, scope, form, status=400)
    filters, kind, fmt = form.filters(), form.cleaned_data["kind"], form.cleaned_data["format"]
    if request.POST.get("preview"):
        count = services.report_preview_count(scope, filters, kind)
        return _dashboard(request, scope, form, preview={"rows": count, "kind": kind})
    bom = form.cleaned_data["bom"]
    count = services.report_row_count(scope, filters, kind)
    if count is not None and count > settings.REPORTS_STREAM_MAX_ROWS:
        job = services.export_job_request(
            actor=request.user, scope=scope, filters=filters, kind=kind, fmt=fmt, bom=bom
        )
        return redirect("reports_site:job", job.uuid)
    report = services.report_stream(
        actor=request.user, scope=scope, filters=filters, kind=kind, fmt=fmt, bom=bom
    )
    response = StreamingHttpResponse(report.chunks, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    response["X-Report-Rows"] = str(report.rows)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job(request, job_uuid):
    return render(
        request, "reports/job.html", {"job": export_job_for_staff(request.user, job_uuid)}
    )


@login_required
@require_GET
@never_cache
def job_status(request, job_uuid):
    job = export_job_for_staff(request.user, job_uuid)
    return JsonResponse(
        {
            "status": job.status,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "percent": job.percent,
            "error": job.error,
        }
    )


@login_required
@require_GET
def job_download(request, job_uuid):
    job = export_job_for_staff(request.user, job_uuid)
    if job.status != ExportJob.Status.READY or not job.file_name:
        raise Http404(_("This file is not ready or has expired."))
    if job.expires_at and job.expires_at <= timezone.now():
        raise Http404(_("This file has expired."))
    path = services.job_file_path(job)
    if not path.is_file():
        raise Http404(_("This file has expired."))
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=f"{job.university.code}-{job.kind}-{job.created_at:%Y%m%d-%H%M}.{job.format}",
        content_type=services.CONTENT_TYPES[job.format],
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def tokens(request):
    scope = _scope(request, request.POST if request.method == "POST" else request.GET)
    created = None
    error = ""
    if request.method == "POST":
        try:
            token, raw = services.api_token_create(
                university=scope.university,
                name=request.POST.get("name", ""),
                created_by=request.user,
                lifetime_days=request.POST.get("lifetime_days"),
            )
            created = {"token": token, "raw": raw}
        except services.ReportError as refused:
            error = refused.message
    context = {
        "scope": scope,
        "tokens": selectors.api_tokens(scope),
        "created": created,
        "error": error,
        "lifetime_default": services.api_token_default_days(),
        "lifetime_max": settings.ILM_API_TOKEN_MAX_DAYS,
        "typed": request.POST if error else {},
    }
    return render(request, "reports/tokens.html", context, status=400 if error else 200)


@login_required
@require_POST
def token_revoke(request, token_id):
    scope = _scope(request, request.POST)
    token = api_token_in_scope(scope, token_id)
    services.api_token_revoke(token=token, actor=request.user)
    return redirect(f"{reverse('reports_site:tokens')}?university={scope.university_id}")


@login_required
def schedules(request):
    scope = _scope(request, request.POST if request.method == "POST" else request.GET)
    error = ""
    filter_form = ReportFilterForm(scope=scope)
    if request.method == "POST":
        filter_form = ReportFilterForm(request.POST, scope=scope)
        try:
            filters = parse_report_filters(request.POST, scope=scope)
            weekday = int(request.POST.get("weekday", ""))
            services.scheduled_report_create(
                owner=request.user,
                scope=scope,
                kind=request.POST.get("kind", ""),
                fmt=request.POST.get("format", ""),
                filters=filters,
                weekday=weekday,
            )
            return redirect(f"{reverse('reports_site:schedules')}?university={scope.university_id}")
        except ReportFilterError:
            error = _("Some filters need correcting: see the messages next to them.")
        except services.ReportError as refused:
            error = refused.message
        except ValueError:
            error = _("Choose a day of the week.")
    context = {
        "scope": scope,
        "schedules": selectors.schedules_of_owner(scope, request.user),
        "kinds": ReportKind.choices,
        "formats": ReportFormat.choices,
        "weekdays": ScheduledReport.Weekday.choices,
        "filter_form": filter_form,
        "error": error,
    }
    return render(request, "reports/schedules.html", context, status=400 if error else 200)


@login_required
@require_POST
def schedule_delete(request, schedule_id):
    scope = _scope(request, request.POST)
    schedule = schedule_of_owner(scope, request.user, schedule_id)
    services.scheduled_report_delete(schedule=schedule, actor=request.user)
    return redirect(f"{reverse('reports_site:schedules')}?university={scope.university_id}")
