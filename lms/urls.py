"""Root URLconf.

Language-neutral endpoints (admin, APIs, xAPI, verification documents, health) sit outside
`i18n_patterns`; everything a person reads carries a language prefix (`/en/`, `/ru/`, ...).
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses import views as course_views
from universities import admin_views as isolated_admin
from uploads import views as uploads_views

from .health import healthz
from .navigation import landing

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Ahead of the admin, at Wagtail's own paths: admin pages that would name another
    # university's pages to anyone who may enter the admin (see universities.admin_views).
    path(
        "admin/reports/page-types-usage/",
        isolated_admin.page_types_usage,
        name="isolated_page_types_usage",
    ),
    path(
        "admin/reports/page-types-usage/results/",
        isolated_admin.page_types_usage_results,
        name="isolated_page_types_usage_results",
    ),
    path(
        "admin/pages/workflow/preview/<int:page_id>/<int:task_id>/",
        isolated_admin.workflow_preview,
        name="isolated_workflow_preview",
    ),
    path(
        "admin/pages/workflow/confirm_cancellation/<int:page_id>/",
        isolated_admin.confirm_workflow_cancellation,
        name="isolated_confirm_workflow_cancellation",
    ),
    path(
        "admin/workflows/task_chooser/", isolated_admin.task_chooser, name="isolated_task_chooser"
    ),
    path(
        "admin/workflows/task_chooser/results/",
        isolated_admin.task_chooser_results,
        name="isolated_task_chooser_results",
    ),
    path(
        "admin/workflows/task_chooser/create/",
        isolated_admin.task_chooser_create,
        name="isolated_task_chooser_create",
    ),
    path(
        "admin/workflows/task_chooser/<int:task_id>/",
        isolated_admin.task_chosen,
        name="isolated_task_chosen",
    ),
    path(
        "admin/choose-page/chosen-multiple/",
        isolated_admin.chosen_pages,
        name="isolated_choose_page_chosen_multiple",
    ),
    path(
        "admin/bulk/<str:app_label>/<str:model_name>/<str:action>/",
        isolated_admin.bulk_action,
        name="isolated_bulk_action",
    ),
    path("admin/", include(wagtailadmin_urls)),
    # Every upload URL goes through a gate; no web server publishes the files (ADR 0024).
    # Documents keep Wagtail's URL, answered by the gate ahead of Wagtail's own view.
    path(
        "documents/<int:document_id>/<path:document_filename>",
        uploads_views.document_file,
        name="uploads_document",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path(settings.MEDIA_URL.lstrip("/"), include("uploads.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("xapi/", include("xapi.urls")),
    # LTI 1.3: the addresses a partner platform is given carry no language (ADR 0058).
    path("lti/", include("lti.urls")),
    path("h5p/", include("h5p.urls")),
    path("api/", include("reports.urls")),
    path("", include("offline.root_urls")),
    path("", include("wallets.urls")),
    path("", include("certificates.urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/data/", include("privacy.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/university/", include("sso.urls")),
    path("accounts/", include("allauth.urls")),
    path("start/", landing, name="landing"),
    path("learn/", include("learning.urls")),
    path("teach/", include("teaching.urls")),
    path("reports/", include("reports.site_urls")),
    path("catalogue/", include("courses.urls")),
    path("offline/", include("offline.urls")),
    # Wagtail's page view, with routes remembered between requests (courses.routing); its
    # `_util/` pages (password-protected pages, front-end login) stay Wagtail's.
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", course_views.serve_page, name="page_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
