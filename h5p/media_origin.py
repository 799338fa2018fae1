"""H5P's own origin (ADR 0061): a host name that serves only the player and its files.

With `ILM_H5P_ORIGIN` set, lesson pages frame the player from that origin, sandboxed *with*
`allow-same-origin`, so a service worker there can keep the player, its libraries and its
content for offline use. That is safe only because the origin is cross-origin to the
learner's pages and never holds a session: this middleware answers nothing there but the
player's own paths and strips every cookie from requests to it, so a learner cannot sign in
on that host and content code on it has no session to use.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseNotFound

# What the media origin serves: the player, package and library files, the keeping worker,
# and the static files the player loads. Statements are sent by the lesson page, never here.
MEDIA_PATHS = ("/h5p/play/", "/h5p/libraries/", "/h5p/keep-sw.js", "/static/")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def media_origin() -> str:
    """The configured H5P origin, or '' (the player then plays on the site, sandboxed)."""
    return _origin(getattr(settings, "ILM_H5P_ORIGIN", ""))


def site_origin() -> str:
    """The learner's pages' origin: the only one allowed to frame the player on its origin."""
    return _origin(settings.SITE_URL)


def is_media_request(request) -> bool:
    origin = media_origin()
    return bool(origin) and f"{request.scheme}://{request.get_host()}" == origin


def _media_host(request) -> bool:
    # Compared on the raw Host header, before ALLOWED_HOSTS is consulted by get_host().
    origin = media_origin()
    return bool(origin) and request.META.get("HTTP_HOST", "") == urlsplit(origin).netloc


class MediaOriginMiddleware:
    """On the H5P origin: only the player's paths, and never a cookie (so never a session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _media_host(request):
            if not request.path.startswith(MEDIA_PATHS):
                return HttpResponseNotFound(b"", content_type="text/plain")
            request.META.pop("HTTP_COOKIE", None)
            request.COOKIES = {}
            response = self.get_response(request)
            response.cookies.clear()  # nothing is ever set on this origin
            return response
        return self.get_response(request)
