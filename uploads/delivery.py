"""Sending a gated file: headers that keep it from running on the site's origin, and the
hand-off to the proxy in production.

`settings.FILE_DELIVERY` selects how the bytes leave: "django" streams them from the web
process; "x-accel-redirect" answers with an empty body and `X-Accel-Redirect:
<FILE_DELIVERY_INTERNAL_PREFIX><name>` for an nginx `internal` location; "x-sendfile" names
the file's absolute path in `X-Sendfile` (Apache's mod_xsendfile, lighttpd). A storage with no
local path (S3) answers with a redirect to a short-lived signed URL on the bucket's own host.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import Storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

# Types a browser shows without running anything: these may open in the page. Everything
# else (HTML, SVG, XML, scripts, office files...) is a download.
INLINE_CONTENT_TYPES = frozenset(
    {
        "application/pdf",
        "text/plain",
        "image/avif",
        "image/gif",
        "image/jpeg",
        "image/png",
        "image/webp",
    }
)
# A sandboxed document has an opaque origin: even if a browser renders it, its script cannot
# read the site's cookies or call its APIs.
SANDBOX_CSP = "sandbox; default-src 'none'"
# Chromium's PDF viewer may refuse a sandboxed document; `default-src 'none'` still keeps a
# PDF's embedded content from fetching anything.
PDF_CSP = "default-src 'none'"


def content_type_of(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def safe_headers(response: HttpResponse, *, content_type: str, filename: str) -> HttpResponse:
    """Headers every uploaded file is sent with, whatever delivers its bytes."""
    inline = content_type in INLINE_CONTENT_TYPES
    response["Content-Type"] = content_type
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        PDF_CSP if content_type == "application/pdf" else SANDBOX_CSP
    )
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _local_path(storage: Storage, name: str) -> str | None:
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def file_response(
    storage: Storage, name: str, *, filename: str | None = None, content_type: str | None = None
) -> HttpResponse:
    """The response that sends the file `name` of `storage` to a reader a gate has let
    through. Shared caches never keep it: the next reader may not be let through."""
    filename = filename or PurePosixPath(name).name
    content_type = content_type or content_type_of(name)
    path = _local_path(storage, name)
    if path is None:
        # django-storages' S3 backend signs the URL together with the headers it will send.
        attachment = content_type not in INLINE_CONTENT_TYPES
        response = HttpResponseRedirect(
            storage.url(
                name,
                parameters={
                    "ResponseContentType": content_type,
                    "ResponseContentDisposition": content_disposition_header(attachment, filename),
                },
            )
        )
        response["Cache-Control"] = "private, no-store"
        return response
    if not os.path.isfile(path):
        raise Http404
    if settings.FILE_DELIVERY == "x-accel-redirect":
        response = HttpResponse()
        response["X-Accel-Redirect"] = settings.FILE_DELIVERY_INTERNAL_PREFIX + quote(name)
    elif settings.FILE_DELIVERY == "x-sendfile":
        response = HttpResponse()
        response["X-Sendfile"] = path
    else:
        response = FileResponse(open(path, "rb"))  # noqa: SIM115 - FileResponse closes it
    response["Cache-Control"] = "private, max-age=3600"
    return safe_headers(response, content_type=content_type, filename=filename)
