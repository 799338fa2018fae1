"""Wagtail admin screens: H5P activities (upload, results, delete) and installed libraries."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from .access import (
    content_for_staff,
    content_results_for_staff,
    contents_for_results,
    contents_for_staff,
    may_install_libraries,
    require_library_manager,
    universities_for_upload,
)
from .archive import ArchiveRejected
from .forms import H5PReplaceForm, H5PUploadForm, LibraryUpdateForm
from .libraries import lessons_using_content, library_usage, usage_of_library
from .library_updates import (
    h5p_library_update,
    library_update_preview,
    pending_update_discard,
    pending_update_file,
    pending_update_store,
)
from .models import H5PLibrary
from .results import (
    PAGE_ATTEMPTS,
    attempt_rows,
    finished_attempts,
    item_analysis,
    item_rows,
    learner_results,
    lesson_titles,
    score_distribution,
    spreadsheet_safe,
)
from .services import (
    H5PError,
    h5p_content_create,
    h5p_content_delete,
    h5p_content_replace,
    h5p_library_delete,
)


def _require_uploader(user) -> None:
    if not universities_for_upload(user).exists():
        raise PermissionDenied


def content_list(request):
    _require_uploader(request.user)
    contents = contents_for_staff(request.user).select_related("university", "main_library")
    return TemplateResponse(
        request,
        "h5p/admin/index.html",
        {
            "contents": contents[:500],
            "header_title": _("H5P"),
            "results_ids": set(contents_for_results(request.user).values_list("pk", flat=True)),
            "may_manage_libraries": may_install_libraries(request.user),
        },
    )


def upload(request):
    _require_uploader(request.user)
    form = H5PUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        package = form.cleaned_data["package"]
        try:
            content = h5p_content_create(
                source=package,
                filename=package.name,
                university=form.cleaned_data["university"],
                uploaded_by=request.user,
                may_install_libraries=bool(form.cleaned_data.get("install_libraries"))
                and may_install_libraries(request.user),
                title=form.cleaned_data["title"],
            )
        except ArchiveRejected as exc:
            form.add_error("package", exc.message)
        else:
            messages.success(
                request, _("H5P activity “%(title)s” uploaded.") % {"title": content.title}
            )
            return redirect("h5p_admin:index")
    return TemplateResponse(request, "h5p/admin/upload.html", {"form": form})


def results(request, pk):
    """One activity's attempts, score distribution and item analysis, for its instructors."""
    content = content_results_for_staff(request.user, pk)
    attempts = finished_attempts(content)
    titles = lesson_titles(content)
    latest = list(attempts[:PAGE_ATTEMPTS])
    for attempt in latest:
        attempt.lesson_title = titles.get(attempt.lesson_key, "")
    learners = learner_results(content)[:PAGE_ATTEMPTS]
    for standing in learners:
        standing.lesson_title = titles.get(standing.lesson_key, "")
    return TemplateResponse(
        request,
        "h5p/admin/results.html",
        {
            "content": content,
            "attempts": latest,
            "attempt_count": attempts.count(),
            "learner_count": attempts.values("enrollment__learner").distinct().count(),
            "learners": learners,
            "distribution": score_distribution(content),
            "items": item_analysis(content),
        },
    )


class _Echo:
    def write(self, value):
        return value


def results_csv(request, pk):
    """The activity's attempts (or, with `?part=items`, its item analysis) as CSV."""
    content = content_results_for_staff(request.user, pk)
    items = request.GET.get("part") == "items"
    rows = item_rows(content) if items else attempt_rows(content)
    writer = csv.writer(_Echo())
    name = f"h5p-{slugify(content.title) or content.pk}-{'items' if items else 'attempts'}.csv"
    response = StreamingHttpResponse(
        (writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def content_delete(request, pk):
    """Confirm, then delete content that no lesson uses (refused with the reason otherwise)."""
    content = content_for_staff(request.user, pk)
    if request.method == "POST":
        try:
            h5p_content_delete(content=content, actor=request.user)
        except H5PError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("H5P activity “%(title)s” deleted.") % {"title": content.title}
            )
        return redirect("h5p_admin:index")
    return TemplateResponse(
        request,
        "h5p/admin/content_delete.html",
        {
            "content": content,
            "lessons": lessons_using_content(content),
            "attempted": content.attempts.exists(),
        },
    )


@require_http_methods(["GET", "POST"])
def content_replace(request, pk):
    """Upload a new version of an activity's package; lessons, results and attempts stay."""
    content = content_for_staff(request.user, pk)
    form = H5PReplaceForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        package = form.cleaned_data["package"]
        try:
            h5p_content_replace(
                content=content,
                source=package,
                filename=package.name,
                uploaded_by=request.user,
                may_install_libraries=bool(form.cleaned_data.get("install_libraries"))
                and may_install_libraries(request.user),
            )
        except ArchiveRejected as exc:
            form.add_error("package", exc.message)
        else:
            messages.success(
                request,
                _("H5P activity “%(title)s” replaced by the new version.")
                % {"title": content.title},
            )
            return redirect("h5p_admin:index")
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(
        request,
        "h5p/admin/content_replace.html",
        {"form": form, "content": content, "lessons": lessons_using_content(content)},
        status=status,
    )


def library_list(request):
    """Installed libraries with their versions and the content using each (platform staff)."""
    require_library_manager(request.user)
    return TemplateResponse(request, "h5p/admin/libraries.html", {"usages": library_usage()})


@require_http_methods(["GET", "POST"])
def library_delete(request, pk):
    """Confirm, then uninstall a library nothing uses (refused with the reason otherwise)."""
    require_library_manager(request.user)
    library = get_object_or_404(H5PLibrary, pk=pk)
    if request.method == "POST":
        try:
            h5p_library_delete(library=library, actor=request.user)
        except H5PError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Library %(library)s deleted.") % {"library": library})
        return redirect("h5p_admin:libraries")
    return TemplateResponse(
        request,
        "h5p/admin/library_delete.html",
        {"library": library, "usage": usage_of_library(library)},
    )


@require_http_methods(["GET", "POST"])
def library_update(request):
    """Upload a package with newer library patches; a valid one is held and previewed."""
    require_library_manager(request.user)
    form = LibraryUpdateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        package = form.cleaned_data["package"]
        try:
            library_update_preview(source=package)
        except ArchiveRejected as exc:
            form.add_error("package", exc.message)
        else:
            package.seek(0)
            token = pending_update_store(user=request.user, upload=package)
            return redirect("h5p_admin:library_update_confirm", token=token)
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "h5p/admin/library_update.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def library_update_confirm(request, token):
    """GET: what the held package would change (writes nothing). POST: install it, or cancel."""
    require_library_manager(request.user)
    path = pending_update_file(user=request.user, token=token)
    if path is None:
        raise Http404
    if request.method == "POST" and "cancel" in request.POST:
        pending_update_discard(user=request.user, token=token)
        messages.info(request, _("Library update cancelled; nothing was installed."))
        return redirect("h5p_admin:libraries")
    if request.method == "POST":
        try:
            plan = h5p_library_update(
                source=path, fingerprint=request.POST.get("plan", ""), actor=request.user
            )
        except ArchiveRejected as exc:
            messages.error(request, exc.message)
            if exc.code == "library-update-changed":
                return redirect("h5p_admin:library_update_confirm", token=token)
            pending_update_discard(user=request.user, token=token)
            return redirect("h5p_admin:libraries")
        pending_update_discard(user=request.user, token=token)
        messages.success(
            request,
            ngettext(
                "%(count)s library updated or added.",
                "%(count)s libraries updated or added.",
                len(plan.to_install),
            )
            % {"count": len(plan.to_install)},
        )
        return redirect("h5p_admin:libraries")
    try:
        plan = library_update_preview(source=path)
    except ArchiveRejected as exc:
        # The package was fine when uploaded; the installed libraries have changed since.
        pending_update_discard(user=request.user, token=token)
        messages.error(request, exc.message)
        return redirect("h5p_admin:libraries")
    return TemplateResponse(
        request, "h5p/admin/library_update_preview.html", {"plan": plan, "token": token}
    )
