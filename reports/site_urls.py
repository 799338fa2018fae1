"""The registrar's pages, under the language prefix (`/<lang>/reports/`)."""

from django.urls import path

from . import views

app_name = "reports_site"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export, name="export"),
    path("jobs/<uuid:job_uuid>/", views.job, name="job"),
    path("jobs/<uuid:job_uuid>/status.json", views.job_status, name="job_status"),
    path("jobs/<uuid:job_uuid>/download/", views.job_download, name="job_download"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("schedules/", views.schedules, name="schedules"),
    path("schedules/<int:schedule_id>/delete/", views.schedule_delete, name="schedule_delete"),
]
