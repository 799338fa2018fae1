"""Serving package and library files the way players and slow links need: ranges and validators.

Video inside a package only seeks when its file answers `Range` requests (206); a replay on a
slow link downloads nothing twice when the file carries an `ETag` and `Last-Modified` and a
conditional GET is answered 304. Django's `FileResponse` does neither, hence this module.
One range per request: a multi-range request gets the whole file, which RFC 9110 allows.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

RANGE = re.compile(r"^bytes=(?P<start>\d*)-(?P<end>\d*)$")
CHUNK = 64 * 1024


class Unsatisfiable(Exception):
    """The range lies wholly outside the file: answered 416."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte a `Range` header asks of a file of `size` bytes.

    None means "send the whole file" (no header, a unit other than bytes, several ranges or
    a malformed one: all ignorable by RFC 9110 §14.2). Raises `Unsatisfiable` for a range
    starting past the end, or a suffix of zero bytes.
    """
    if not header or len(header) > 200:
        return None
    match = RANGE.match(header.strip())
    if match is None or (not match["start"] and not match["end"]):
        return None
    if not match["start"]:  # bytes=-N: the last N bytes
        suffix = int(match["end"])
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - suffix), size - 1
    first = int(match["start"])
    last = int(match["end"]) if match["end"] else size - 1
    if match["end"] and last < first:
        return None  # invalid, so ignored
    if first >= size:
        raise Unsatisfiable
    return first, min(last, size - 1)


def _chunks(path: Path, first: int, length: int):
    with path.open("rb") as handle:
        handle.seek(first)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data


def file_response(request, path: Path, *, content_type: str, cache: str) -> HttpResponse:
    """`path` answered as a 200, 206, 304 or 416, with validators and `Cache-Control`."""
    stat = path.stat()
    etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
    validators = {"ETag": etag, "Last-Modified": http_date(stat.st_mtime), "Cache-Control": cache}
    conditional = get_conditional_response(request, etag=etag, last_modified=int(stat.st_mtime))
    if conditional is not None:
        for header, value in validators.items():
            conditional[header] = value
        return conditional

    wanted = None
    if_range = request.headers.get("If-Range")
    # If-Range: a range of a file that changed since would be spliced into the old copy.
    if not if_range or if_range == etag:
        try:
            wanted = parse_range(request.headers.get("Range"), stat.st_size)
        except Unsatisfiable:
            response = HttpResponse(status=416, content_type=content_type)
            response["Content-Range"] = f"bytes */{stat.st_size}"
            response["Accept-Ranges"] = "bytes"
            return response
    if wanted is None:
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Content-Length"] = str(stat.st_size)
    else:
        first, last = wanted
        response = StreamingHttpResponse(
            _chunks(path, first, last - first + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {first}-{last}/{stat.st_size}"
        response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    for header, value in validators.items():
        response[header] = value
    return response
