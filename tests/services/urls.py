"""The site's URLs plus the tests-only `services-probe/` endpoint."""

from django.urls import path

from lms.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [
    path("services-probe/", views.probe_enqueue, name="services_probe"),
    *site_urlpatterns,
]
