"""Instructor tools on the site. HTTP only: each view calls one gate from `teaching.access`,
then a selector or a service."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.services import audit_record
from learning.models import Enrollment

from . import enrollment_csv, selectors, services
from .access import run_for_enrollment_staff, run_for_teaching, runs_for_teaching
from .csv_safety import spreadsheet_safe
from .forms import AnnouncementForm, BulkEnrollmentForm
from .translation_status import translation_status_for


@login_required
def run_list(request):
    runs = runs_for_teaching(request.user).order_by("-starts_on", "pk")
    return render(
        request,
        "teaching/run_list.html",
        {
            "runs": runs,
            "translation_rows": translation_status_for(request.user),
            "languages": settings.LANGUAGES,
        },
    )


def _roster_params(request):
    return {
        "search": request.GET.get("q", ""),
        "status": request.GET.get("status", ""),
        "sort": request.GET.get("sort", "name"),
    }


@login_required
def roster(request, run_id):
    run = run_for_teaching(request.user, run_id)
    params = _roster_params(request)
    data = selectors.run_roster(run, **params)
    return render(
        request,
        "teaching/roster.html",
        {
            "run": run,
            "roster": data,
            "params": params,
            "statuses": Enrollment.Status.choices,
            "sorts": list(selectors.SORTS),
        },
    )


class _Echo:
    def write(self, value):
        return value


@login_required
def roster_csv(request, run_id):
    run = run_for_teaching(request.user, run_id)
    params = _roster_params(request)
    data = selectors.run_roster(run, **params)
    audit_record(
        actor=request.user,
        action="roster.exported",
        university=run.course.university,
        target=run,
        summary=f"Exported the roster of {run} ({len(data.rows)} learners)",
        details={"filters": params, "rows": len(data.rows)},
    )
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheets open UTF-8 names correctly
        header = [_("email"), _("name"), _("student number"), _("status"), _("progress %")]
        header += [_("quiz average"), _("last activity")]
        header += [lesson.title for lesson in data.lessons]
        header += [f"quiz {quiz_id[:8]}" for quiz_id in data.quiz_ids]
        yield writer.writerow([spreadsheet_safe(cell) for cell in header])
        for row in data.rows:
            e = row.enrollment
            cells = [
                spreadsheet_safe(e.learner.email),
                spreadsheet_safe(e.learner.full_name),
                spreadsheet_safe(row.student_number),
                e.status,
                e.progress_percent,
                "" if e.quiz_average is None else e.quiz_average,
                e.last_activity_at.isoformat() if e.last_activity_at else "",
            ]
            cells += [
                "1" if lesson.lesson_key in row.completed_keys else "0" for lesson in data.lessons
            ]
            cells += [row.quiz_scores.get(q, "") for q in data.quiz_ids]
            yield writer.writerow(cells)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-run-{run.pk}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def quiz_analysis(request, run_id):
    run = run_for_teaching(request.user, run_id)
    return render(
        request,
        "teaching/quiz_analysis.html",
        {"run": run, "analyses": selectors.run_quiz_analysis(run)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulk_enrollment(request, run_id):
    run = run_for_enrollment_staff(request.user, run_id)
    form = BulkEnrollmentForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            # Read one byte more than allowed, so an oversized file is caught by `decode`.
            data = upload.read(enrollment_csv.MAX_BYTES + 1)
            try:
                parsed = enrollment_csv.parse(data)
                errors = parsed.errors
                if parsed.ok:
                    result = services.bulk_enrollment_import(
                        actor=request.user, run=run, rows=parsed.rows
                    )
            except enrollment_csv.FileRejected as rejected:
                errors = [(0, str(rejected))]
            except services.BulkEnrollmentRefused as refused:
                errors = refused.errors
        if errors or not form.is_valid():
            status = 400
    return render(
        request,
        "teaching/bulk_enrollment.html",
        {"run": run, "form": form, "errors": errors, "result": result},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def announcements(request, run_id):
    run = run_for_teaching(request.user, run_id)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.announcement_create(
            author=request.user,
            run=run,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        messages.success(request, _("The announcement is posted and being emailed."))
        return redirect("teaching:announcements", run_id=run.pk)
    return render(
        request,
        "teaching/announcements.html",
        {
            "run": run,
            "form": form,
            "announcements": selectors.announcements_of_run(run),
        },
        status=400 if request.method == "POST" else 200,
    )
