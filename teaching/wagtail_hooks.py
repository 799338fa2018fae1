"""Admin additions for authoring: the "translations needing work" report."""

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

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


@hooks.register("register_reports_menu_item")
def register_translation_report_menu_item():
    return MenuItem(
        _("Course translations"),
        reverse("course_translations"),
        icon_name="doc-full",
        order=900,
    )
