"""Wagtail admin screens: the list of H5P activities and the upload form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .access import contents_for_staff, may_install_libraries, universities_for_upload
from .archive import ArchiveRejected
from .forms import H5PUploadForm
from .services import h5p_content_create


def _require_uploader(user) -> None:
    if not universities_for_upload(user).exists():
        raise PermissionDenied


def content_list(request):
    _require_uploader(request.user)
    contents = contents_for_staff(request.user).select_related("university", "main_library")
    return TemplateResponse(
        request, "h5p/admin/index.html", {"contents": contents[:500], "header_title": _("H5P")}
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
