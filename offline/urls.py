from django.urls import path

from . import views

app_name = "offline"
urlpatterns = [
    path("courses/<int:course_id>/", views.course_offline, name="course"),
    path("courses/<int:course_id>/manifest.json", views.course_manifest, name="manifest"),
    path("courses/<int:course_id>/save/", views.course_save, name="save"),
    path("sync/", views.sync, name="sync"),
    path("queued/", views.queued, name="queued"),
]
