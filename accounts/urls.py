"""Account pages of our own, next to allauth's under `/<lang>/accounts/`."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("data-saver/", views.data_saver, name="data_saver"),
]
