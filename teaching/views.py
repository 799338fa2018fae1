"""Instructor tools on the site. HTTP only: each view calls one gate from `teaching.access`,
then a selector or a service."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.services import audit_record

from . import enrollment_csv, gradebook_files, learners, selectors, services
from .access import run_for_enrollment_staff, run_for_teaching, runs_for_teaching
from .csv_safety import spreadsheet_safe
from .forms import AnnouncementForm, BulkEnrollmentForm, LearnerFilterForm
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


def _learner_list(request, run):
    """The validated query, one page of learners (flagged when inactive) and the messages
    for anything in the query string that was not understood."""
    universities = learners.home_universities_of_run(run)
    form = LearnerFilterForm(request.GET, universities=universities)
    query = form.learner_query()
    problems = [error for errors in form.errors.values() for error in errors]
    raw_page = request.GET.get("page", "1")
    try:
        number = int(raw_page)
        if number < 1:
            raise ValueError
    except ValueError:
        number = 1
        problems.append(
            _("“%(value)s” is not a page number; showing page 1.") % {"value": raw_page[:20]}
        )
    page = learners.learner_page(run, query, page=number)
    if page.missing_page is not None:
        problems.append(
            _("There is no page %(page)d; showing the last page, %(last)d.")
            % {"page": page.missing_page, "last": page.page_count}
        )
    learners.flag_inactive(page.enrollments, query.inactive_days)
    learners.home_universities_attach(page.enrollments, universities)
    return form, query, page, problems


def _query_string(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


def _list_context(request, run, form, query, page, problems) -> dict:
    return {
        "run": run,
        "form": form,
        "query": query,
        "page": page,
        "problems": problems,
        "previous_query": _query_string(request, page=page.number - 1),
        "next_query": _query_string(request, page=page.number + 1),
        "export_query": _query_string(request, page=page.number),
    }


@login_required
def roster(request, run_id):
    run = run_for_teaching(request.user, run_id)
    form, query, page, problems = _learner_list(request, run)
    context = _list_context(request, run, form, query, page, problems)
    context["lessons"] = selectors.active_lessons_of_run(run)
    learners.lesson_marks_attach(page.enrollments, context["lessons"])
    return render(request, "teaching/roster.html", context)


@login_required
def gradebook(request, run_id):
    run = run_for_teaching(request.user, run_id)
    form, query, page, problems = _learner_list(request, run)
    context = _list_context(request, run, form, query, page, problems)
    context["book"] = learners.gradebook(run, page.enrollments)
    return render(request, "teaching/gradebook.html", context)


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def gradebook_export(request, run_id, file_type):
    """The gradebook page as the person sees it (same filters, sort and page) as a file."""
    run = run_for_teaching(request.user, run_id)
    _form, _query, page, _problems = _learner_list(request, run)
    book = learners.gradebook(run, page.enrollments)
    header, rows = gradebook_files.gradebook_table(book)
    audit_record(
        actor=request.user,
        action="gradebook.exported",
        university=run.course.university,
        target=run,
        summary=f"Exported the gradebook of {run} ({len(rows)} learners, {file_type})",
        details={"query": request.GET.urlencode()[:500], "rows": len(rows), "type": file_type},
    )
    if file_type == "csv":
        content = gradebook_files.table_csv(header, rows)
    else:
        content = gradebook_files.table_xlsx(header, rows, title=_("Gradebook"))
    response = HttpResponse(content, content_type=EXPORT_TYPES[file_type])
    name = f"gradebook-run-{run.pk}-page-{page.number}.{file_type}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _Echo:
    def write(self, value):
        return value


ROSTER_CSV_CHUNK = 1000


@login_required
def roster_csv(request, run_id):
    """Every learner matching the roster's filters (all pages), in the roster's order."""
    run = run_for_teaching(request.user, run_id)
    form = LearnerFilterForm(request.GET, universities=learners.home_universities_of_run(run))
    query = form.learner_query()
    matching = learners.run_learners(run, query)
    total = matching.count()
    lessons = selectors.active_lessons_of_run(run)
    audit_record(
        actor=request.user,
        action="roster.exported",
        university=run.course.university,
        target=run,
        summary=f"Exported the roster of {run} ({total} learners)",
        details={"query": request.GET.urlencode()[:500], "rows": total},
    )
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheets open UTF-8 names correctly
        header = [_("email"), _("name"), _("student number"), _("status"), _("progress %")]
        header += [_("quiz average"), _("last activity")]
        header += [lesson.title for lesson in lessons]
        yield writer.writerow([spreadsheet_safe(cell) for cell in header])
        # Chunks keep memory and the queries per chunk constant in a run of any size.
        for start in range(0, total, ROSTER_CSV_CHUNK):
            chunk = list(matching[start : start + ROSTER_CSV_CHUNK])
            completed = learners.completed_lesson_keys(chunk)
            for e in chunk:
                cells = [
                    spreadsheet_safe(e.learner.email),
                    spreadsheet_safe(e.learner.full_name),
                    spreadsheet_safe(e.student_number or ""),
                    e.status,
                    e.progress_percent,
                    "" if e.quiz_average is None else e.quiz_average,
                    e.last_activity_at.isoformat() if e.last_activity_at else "",
                ]
                cells += [
                    "1" if lesson.lesson_key in completed[e.pk] else "0" for lesson in lessons
                ]
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
    # Bound on every POST, even an empty one, so a post without a file says what is missing.
    posted = request.method == "POST"
    form = BulkEnrollmentForm(request.POST if posted else None, request.FILES if posted else None)
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
    # An empty POST is still a submission: bound, so it comes back with its messages.
    form = AnnouncementForm(request.POST if request.method == "POST" else None)
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
