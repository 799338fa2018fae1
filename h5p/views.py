"""HTTP for H5P: the sandboxed player, its files, its saved state and its statements.

Everything the player (opaque origin, no cookies) fetches is authorised by the signed grant in
its URL and answered with `nosniff` and a CSP `sandbox`, so no package file can ever run as the
site. Statements are different: the lesson page (the site itself) forwards them with the
learner's session and CSRF token, and `lesson_activity_for_learner` decides.
"""

from __future__ import annotations

import json
import mimetypes
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .access import (
    ActivityNotInLesson,
    content_for_grant,
    lesson_activity_for_learner,
    play_grant_from_token,
)
from .media_origin import is_media_request, site_origin
from .models import H5PLibrary, H5PUserData
from .saved_state import h5p_user_data_save
from .services import H5PError, h5p_statement_record
from .serving import file_response
from .storage import file_inside

STATEMENT_MAX_BYTES = 64 * 1024
DATA_TYPE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SUB_CONTENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
LIBRARY_FOLDER = re.compile(r"^(?P<name>[\w.-]{1,255})-(?P<major>\d{1,5})\.(?P<minor>\d{1,5})$")

# For files: even if opened directly, a package file is a sandboxed document with no scripts.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
# For the player page. H5P core writes its iframe with inline script, hence 'unsafe-inline';
# the sandbox (opaque origin) is what keeps that script away from the learner's session.
PLAYER_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-src 'self'; child-src 'self'; "
    "worker-src 'self'; base-uri 'self'; form-action 'none'; "
)
PLAYER_CSP = (
    "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox; "
    + PLAYER_POLICY
    + "frame-ancestors 'self'"
)


def media_player_csp() -> str:
    """On the H5P origin (ADR 0061) the player keeps that origin, so its service worker can
    keep it offline; only the learner's pages may frame it."""
    return (
        "sandbox allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox; "
        + PLAYER_POLICY
        + f"frame-ancestors {site_origin()}"
    )


def _harden(response: HttpResponse, csp: str) -> HttpResponse:
    response["Content-Security-Policy"] = csp
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "same-origin"
    response["Cross-Origin-Opener-Policy"] = "same-origin"
    return response


def _file_response(request, path, *, cache: str) -> HttpResponse:
    content_type, _encoding = mimetypes.guess_type(path.name)
    if path.suffix == ".js":
        content_type = "text/javascript"
    response = file_response(
        request, path, content_type=content_type or "application/octet-stream", cache=cache
    )
    # The player's opaque origin fetches JSON with fetch(): it needs CORS, and no credentials.
    response["Access-Control-Allow-Origin"] = "*"
    # Let the player read the range and validator headers of its cross-origin fetches.
    response["Access-Control-Expose-Headers"] = "Content-Range, Content-Length, ETag"
    return _harden(response, FILE_CSP)


@require_GET
def play(request, content_uuid):
    """The player page, loaded in the lesson's sandboxed iframe."""
    own_origin = is_media_request(request)
    token = request.GET.get("token", "")
    grant = play_grant_from_token(token, content_uuid)
    content = content_for_grant(grant)
    base = reverse("h5p:package_root", kwargs={"content_uuid": content.uuid, "token": token})
    config = {
        "h5pJsonPath": base.rstrip("/"),
        "contentJsonPath": base + "content",
        "librariesPath": reverse("h5p:libraries_root").rstrip("/"),
        "frameJs": static("h5p/player/frame.bundle.js"),
        "frameCss": static("h5p/player/styles/h5p.css"),
        "storageShim": static("h5p/storage-shim.js"),
        "id": str(content.uuid),
        "title": content.title,
        "xAPIObjectIRI": content.xapi_iri,
        # The real learner is put in by the server; the player only needs a stable stand-in.
        "user": {"name": "learner", "mail": f"learner-{grant.user_id}@users.invalid"},
        "saveFreq": 10,
        "ajax": {
            "contentUserDataUrl": reverse(
                "h5p:user_data",
                kwargs={
                    "content_uuid": content.uuid,
                    "token": token,
                    "data_type": "DATA_TYPE",
                    "sub_content_id": "SUB_CONTENT_ID",
                },
            )
            .replace("DATA_TYPE", ":dataType")
            .replace("SUB_CONTENT_ID", ":subContentId")
        },
        "parentOrigin": site_origin() if own_origin else f"{request.scheme}://{request.get_host()}",
        # On the H5P origin a service worker keeps the player for offline use (ADR 0061).
        "keepWorker": reverse("h5p:keep_worker") if own_origin else "",
        # H5P reads saved state synchronously when the activity starts, so it is handed over
        # here rather than fetched: {subContentId: {dataType: data}}.
        "contentUserData": _preloaded_user_data(grant.user_id, content),
    }
    response = render(
        request,
        "h5p/play.html",
        {"config": config, "content": content, "main_js": static("h5p/player/main.bundle.js")},
    )
    response["Cache-Control"] = "private, no-store"
    if own_origin:
        # Framed cross-origin by the learner's pages: CSP frame-ancestors names them, and
        # X-Frame-Options (which cannot name another origin) is left off.
        response.xframe_options_exempt = True
        return _harden(response, media_player_csp())
    response["X-Frame-Options"] = "SAMEORIGIN"
    return _harden(response, PLAYER_CSP)


@require_GET
def keep_worker(request):
    """The service worker of the H5P origin, which keeps saved activities (ADR 0061). Served
    only there: on the site, /sw.js is the worker."""
    if not is_media_request(request):
        raise Http404
    path = finders.find("h5p/keep-sw.js")
    response = HttpResponse(Path(path).read_bytes(), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/h5p/"
    response["Cache-Control"] = "no-cache"
    return _harden(response, "default-src 'self'")


def _preloaded_user_data(user_id: int, content) -> dict[str, dict[str, str]]:
    preloaded: dict[str, dict[str, str]] = {}
    rows = H5PUserData.objects.filter(user_id=user_id, content=content, preload=True)
    for sub_content_id, data_type, data in rows.values_list("sub_content_id", "data_type", "data"):
        preloaded.setdefault(sub_content_id, {})[data_type] = data
    return preloaded


@require_GET
def package_file(request, content_uuid, token, path):
    """h5p.json and the files under content/ of one content, for a player holding a grant."""
    if request.headers.get("Service-Worker"):
        # A package's script must never become a service worker on the H5P origin.
        raise Http404
    grant = play_grant_from_token(token, content_uuid)
    content = content_for_grant(grant)
    if path != "h5p.json" and not path.startswith("content/"):
        raise Http404
    found = file_inside(content.folder, path)
    if found is None:
        raise Http404
    # A content's files never change after upload (a new package is new content), so a
    # replay needs nothing again; private, because the URL carries the learner's grant.
    return _file_response(request, found, cache="private, max-age=31536000, immutable")


@require_GET
def library_file(request, folder, path):
    """A file of an installed library. Libraries hold no learner data, so no grant is needed."""
    if request.headers.get("Service-Worker"):
        raise Http404
    match = LIBRARY_FOLDER.match(folder)
    library = (
        H5PLibrary.objects.filter(
            machine_name=match["name"],
            major_version=int(match["major"]),
            minor_version=int(match["minor"]),
        ).first()
        if match
        else None
    )
    if library is None:
        raise Http404
    found = file_inside(library.installed_path, path)
    if found is None:
        raise Http404
    # A patch upgrade replaces files in place, so keep caching short.
    return _file_response(request, found, cache="public, max-age=3600")


@csrf_exempt  # no cookie is involved: the signed grant in the URL is the credential
@require_http_methods(["GET", "POST", "OPTIONS"])
def user_data(request, content_uuid, token, data_type, sub_content_id):
    """H5P's content-user-data endpoint: GET the saved state, POST to save or delete it."""
    grant = play_grant_from_token(token, content_uuid)
    content = content_for_grant(grant)
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    if not DATA_TYPE.match(data_type) or not SUB_CONTENT_ID.match(sub_content_id):
        return _cors(JsonResponse({"success": False, "message": _("Bad address.")}, status=400))
    user = get_user_model().objects.filter(pk=grant.user_id, is_active=True).first()
    if user is None:
        raise PermissionDenied
    if request.method == "GET":
        saved = (
            H5PUserData.objects.filter(
                user=user, content=content, data_type=data_type, sub_content_id=sub_content_id
            )
            .values_list("data", flat=True)
            .first()
        )
        return _cors(JsonResponse({"success": True, "data": saved if saved is not None else False}))
    if len(request.body) > 2 * 64 * 1024:
        return _cors(JsonResponse({"success": False, "message": _("Too large.")}, status=413))
    data = request.POST.get("data")
    if data is None:
        return _cors(JsonResponse({"success": False, "message": _("No data.")}, status=400))
    try:
        h5p_user_data_save(
            user=user,
            content=content,
            data_type=data_type,
            sub_content_id=sub_content_id,
            data=data,
            preload=request.POST.get("preload") == "1",
            invalidate=request.POST.get("invalidate") == "1",
        )
    except H5PError as exc:
        status = 413 if exc.code == "too_large" else 400
        return _cors(JsonResponse({"success": False, "message": exc.message}, status=status))
    return _cors(JsonResponse({"success": True}))


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, POST"
    response["Access-Control-Allow-Headers"] = "Content-Type, X-Requested-With"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def statements(request, lesson_id, content_uuid):
    """A statement from the player, forwarded by the lesson page with the learner's session."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in first.")}, status=401)
    if len(request.body) > STATEMENT_MAX_BYTES:
        return JsonResponse({"error": _("The statement is too large.")}, status=413)
    try:
        statement = json.loads(request.body)
    except (ValueError, RecursionError):
        return JsonResponse({"error": _("The body is not JSON.")}, status=400)
    try:
        enrollment, _lesson, outline_lesson, content = lesson_activity_for_learner(
            request.user, lesson_id=lesson_id, content_uuid=content_uuid
        )
    except PermissionDenied:
        return JsonResponse({"error": _("You may not record this activity.")}, status=403)
    except ActivityNotInLesson:
        return JsonResponse(
            {"error": _("This activity is not part of the lesson."), "code": "not_in_lesson"},
            status=400,
        )
    try:
        recorded = h5p_statement_record(
            user=request.user,
            enrollment=enrollment,
            outline_lesson=outline_lesson,
            content=content,
            statement=statement,
        )
    except H5PError as exc:
        return JsonResponse({"error": exc.message, "code": exc.code}, status=400)
    return JsonResponse(
        {
            "id": recorded.statement_id,
            "finished": recorded.finished,
            "scaled": str(recorded.scaled_score) if recorded.scaled_score is not None else None,
            "duplicate": recorded.duplicate,
        },
        status=200,
    )
