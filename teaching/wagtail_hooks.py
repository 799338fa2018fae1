"""Admin additions for authoring: the "translations needing work" report."""

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .po_upload import guarded_upload_pofile
from .translation_status import translation_status_for


@permission_required("wagtailadmin.access_admin", raise_exception=True)
def translation_report(request):
    return render(
        request,
        "teaching/admin/translation_report.html",
        {"rows": translation_status_for(request.user), "languages": settings.LANGUAGES},
    )


@hooks.register("register_admin_urls")
def register_translation_report_url():
    return [path("reports/course-translations/", translation_report, name="course_translations")]


# Before wagtail-localize's own URLs, so this path answers first (see teaching.po_upload).
@hooks.register("register_admin_urls", order=-1)
def register_guarded_po_upload_url():
    return [
        path(
            "localize/translate/<int:translation_id>/pofile/upload/",
            guarded_upload_pofile,
            name="teaching_upload_pofile",
        )
    ]


@hooks.register("register_reports_menu_item")
def register_translation_report_menu_item():
    return MenuItem(
        _("Course translations"),
        reverse("course_translations"),
        icon_name="doc-full",
        order=900,
    )
