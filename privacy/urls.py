from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("download.json", views.download_json, name="download_json"),
    path("download.zip", views.download_csv, name="download_csv"),
    path("erase/", views.erase, name="erase"),
]
