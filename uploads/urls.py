from django.urls import path

from . import views

app_name = "uploads"

urlpatterns = [
    path("<path:name>", views.media_file, name="file"),
]
