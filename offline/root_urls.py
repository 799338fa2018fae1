"""The two offline URLs that must sit at the site root, outside the language prefix: the
service worker (whose scope is its own folder) and the web app manifest."""

from django.urls import path

from . import views

urlpatterns = [
    path("sw.js", views.service_worker, name="offline_service_worker"),
    path("manifest.webmanifest", views.web_manifest, name="offline_web_manifest"),
]
