"""The peer's URLs: wagtail-lms's own views and Wagtail's page serving."""

from django.urls import include, path
from wagtail import urls as wagtail_urls

urlpatterns = [
    path("lms/", include("wagtail_lms.urls")),
    path("", include(wagtail_urls)),
]
