"""Language-neutral URLs: did:web documents and status lists sit where verifiers look for
them, and the verification page has one permanent address to print in a QR code."""

from django.urls import path

from . import registrar_views, settings_views, views

app_name = "certificates"

urlpatterns = [
    path("universities/<slug:code>/did.json", views.did_document, name="did_document"),
    path("universities/<slug:code>/status/<int:number>", views.status_list, name="status_list"),
    path("verify/", views.verify_upload, name="verify_upload"),
    path("verify/<uuid:credential_id>/", views.verify_page, name="verify"),
    path("verify/<uuid:credential_id>.json", views.verify_json, name="verify_json"),
    path("certificates/", views.my_certificates, name="mine"),
    path("certificates/<uuid:credential_id>.pdf", views.certificate_pdf_download, name="pdf"),
    path(
        "certificates/<uuid:credential_id>/download.json",
        views.credential_download,
        name="download",
    ),
    path(
        "certificates/programs/<int:program_id>/learner-record.json",
        views.learner_record_download,
        name="learner_record",
    ),
    # The registrar's pages: list, and POST-only revoke / un-revoke.
    path("certificates/manage/", registrar_views.credential_list, name="manage"),
    path(
        "certificates/manage/<uuid:credential_id>/revoke/",
        registrar_views.credential_revoke,
        name="manage_revoke",
    ),
    path(
        "certificates/manage/<uuid:credential_id>/unrevoke/",
        registrar_views.credential_unrevoke,
        name="manage_unrevoke",
    ),
    path("certificates/manage/settings/", settings_views.credential_settings, name="settings"),
    path(
        "certificates/manage/settings/<slug:code>/",
        settings_views.credential_settings_save,
        name="settings_save",
    ),
    path("achievements/<slug:kind>/<uuid:key>/", views.achievement, name="achievement"),
]
