"""HTTP for offline copies: the save page, the manifest, the queue's sync endpoint, and the
service worker and web app manifest served from the site root.

The save page and its size work without JavaScript; everything that saves or replays is in
`offline.js`, which only pages that ask for offline use load (ADR 0041).
"""

import json
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .access import course_for_offline_learner
from .selectors import course_offline_manifest
from .services import offline_copy_prepare, offline_queue_sync

MAX_SYNC_BYTES = 512 * 1024
# Set when a learner saves a course: only then do lesson pages load the offline script.
OFFLINE_COOKIE = "ilm_offline"


@require_GET
@login_required
def course_offline(request, course_id: int):
    """The save page of one course: what a copy holds and its size, before any download."""
    course, enrollment = course_for_offline_learner(request.user, course_id)
    manifest = course_offline_manifest(course, enrollment)
    return TemplateResponse(
        request, "offline/course.html", {"course": course, "manifest": manifest}
    )


@require_GET
@never_cache
def course_manifest(request, course_id: int):
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in first.")}, status=401)
    course, enrollment = course_for_offline_learner(request.user, course_id)
    return JsonResponse(course_offline_manifest(course, enrollment).as_json())


@require_POST
def course_save(request, course_id: int):
    """Prepare a copy (open the quizzes' attempts) and turn offline mode on for this browser.

    The browser's script then downloads the manifest's URLs; without it, this only returns
    to the save page, which says JavaScript is needed.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in first.")}, status=401)
    course, enrollment = course_for_offline_learner(request.user, course_id)
    offline_copy_prepare(course=course, enrollment=enrollment)
    if request.headers.get("Accept", "").startswith("application/json"):
        response = JsonResponse(course_offline_manifest(course, enrollment).as_json())
    else:
        response = redirect("offline:course", course_id=course.pk)
        response.status_code = 303
    response.set_cookie(OFFLINE_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response


@require_http_methods(["GET", "POST"])
@never_cache
def sync(request):
    """GET: who is signed in and a fresh CSRF token. POST: apply a queue, answer per item."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in to send your saved work.")}, status=401)
    if request.method == "GET":
        return JsonResponse({"user": request.user.pk, "csrf": get_token(request)})
    if len(request.body) > MAX_SYNC_BYTES:
        return JsonResponse(
            {"error": _("The queue is too large to send at once."), "code": "too_large"},
            status=413,
        )
    try:
        body = json.loads(request.body)
    except (ValueError, RecursionError):
        return JsonResponse({"error": _("The body is not JSON.")}, status=400)
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return JsonResponse({"error": _("Send a list of queued items.")}, status=400)
    return JsonResponse({"results": offline_queue_sync(user=request.user, items=items)})


@require_GET
def queued(request):
    """Shown by the service worker when a form was kept to be sent later (cached copy)."""
    return TemplateResponse(request, "offline/queued.html", {})


def _static_text(name: str) -> str:
    path = finders.find(name)
    if path is None:
        raise Http404
    return Path(path).read_text()


@require_GET
def service_worker(request):
    """`offline/sw.js` at the site root, so it may control every language's pages."""
    response = HttpResponse(
        _static_text("offline/sw.js"), content_type="text/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    # A new worker reaches browsers on their next visit, not after a cache's lifetime.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def web_manifest(request):
    """The installable web app: name, start page and the site's icon."""
    data = {
        "name": "Ilm",
        "short_name": "Ilm",
        "start_url": reverse("learning:dashboard"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [{"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")
