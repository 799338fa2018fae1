from django.urls import path

from . import views

app_name = "h5p"
urlpatterns = [
    path("play/<uuid:content_uuid>/", views.play, name="play"),
    path(
        "play/<uuid:content_uuid>/<str:token>/",
        views.package_file,
        {"path": ""},
        name="package_root",
    ),
    path(
        "play/<uuid:content_uuid>/<str:token>/user-data/<str:data_type>/<str:sub_content_id>",
        views.user_data,
        name="user_data",
    ),
    path(
        "play/<uuid:content_uuid>/<str:token>/<path:path>", views.package_file, name="package_file"
    ),
    path("keep-sw.js", views.keep_worker, name="keep_worker"),
    path("libraries/", views.library_file, {"folder": "", "path": ""}, name="libraries_root"),
    path("libraries/<str:folder>/<path:path>", views.library_file, name="library_file"),
    path(
        "statements/<int:lesson_id>/<uuid:content_uuid>/",
        views.statements,
        name="statements",
    ),
]
