"""Reading and writing the multipart/mixed bodies of statements with attachments (RFC 2046).

Written by hand rather than with the `email` package: attachment parts are raw binary
("Content-Transfer-Encoding: binary"), and the bytes must reach the SHA-2 check exactly as
sent, with no line-ending or charset handling in between.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from .errors import XAPIError

_BOUNDARY_RE = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)


@dataclass
class Part:
    headers: dict[str, str]  # lower-case names
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def boundary_of(content_type: str) -> str:
    match = _BOUNDARY_RE.search(content_type or "")
    if not match:
        raise XAPIError("multipart/mixed without a boundary")
    boundary = match.group(1) or match.group(2)
    if not 1 <= len(boundary) <= 70:
        raise XAPIError("multipart boundary must be 1 to 70 characters")
    return boundary


def parse(body: bytes, content_type: str) -> list[Part]:
    try:
        delimiter = b"--" + boundary_of(content_type).encode("latin-1")
    except UnicodeEncodeError:
        # Only reachable through the alternate syntax, whose form fields are UTF-8.
        raise XAPIError("the multipart boundary must be ASCII") from None
    segments = (b"\r\n" + body).split(b"\r\n" + delimiter)
    parts: list[Part] = []
    closed = False
    for segment in segments[1:]:
        if segment.startswith(b"--"):
            closed = True
            break
        # The rest of the delimiter line is transport padding, then CRLF.
        _, newline, segment = segment.partition(b"\r\n")
        if not newline:
            raise XAPIError("malformed multipart body")
        if segment.startswith(b"\r\n"):
            raw_headers, content = b"", segment[2:]
        else:
            raw_headers, separator, content = segment.partition(b"\r\n\r\n")
            if not separator:
                raise XAPIError("malformed multipart part: no blank line after its headers")
        headers = {}
        for line in raw_headers.split(b"\r\n"):
            if not line:
                continue
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                raise XAPIError("malformed multipart header")
            headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers=headers, content=content))
    if not closed or not parts:
        raise XAPIError("malformed multipart body: missing parts or closing delimiter")
    return parts


def build(parts: list[tuple[dict[str, str], bytes]]) -> tuple[bytes, str]:
    """Serialize parts; returns the body and its Content-Type header value."""
    boundary = "xapi-" + secrets.token_hex(16)
    chunks = []
    for headers, content in parts:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        chunks.append(f"--{boundary}\r\n{head}\r\n".encode("latin-1") + content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode("latin-1"))
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'
