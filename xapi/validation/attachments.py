"""Attachment objects of a Statement (xAPI Data 2.4.11), including signatures' (Data 2.6).

The attachment parts themselves (multipart/mixed) are checked by `xapi.multipart`,
`xapi.signatures` and the statement store.
"""

from __future__ import annotations

from typing import Any

from .checks import check_iri, check_keys, check_language_map, fail, require_object
from .formats import MEDIA_TYPE_RE, SHA2_RE

SIGNATURE_USAGE_TYPE = "http://adlnet.gov/expapi/attachments/signature"


def validate_attachment(value: Any, path: str) -> dict:
    obj = require_object(value, path)
    check_keys(
        obj,
        {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"},
        path,
        ("usageType", "display", "contentType", "length", "sha2"),
    )
    check_iri(obj["usageType"], f"{path}.usageType")
    check_language_map(obj["display"], f"{path}.display")
    if "description" in obj:
        check_language_map(obj["description"], f"{path}.description")
    if not isinstance(obj["contentType"], str) or not MEDIA_TYPE_RE.match(obj["contentType"]):
        raise fail(f"{path}.contentType", "must be an Internet media type")
    length = obj["length"]
    if not isinstance(length, int) or isinstance(length, bool) or length < 0:
        raise fail(f"{path}.length", "must be a non-negative integer")
    if not isinstance(obj["sha2"], str) or not SHA2_RE.match(obj["sha2"]):
        raise fail(f"{path}.sha2", "must be a hex-encoded SHA-2 hash")
    if "fileUrl" in obj:
        check_iri(obj["fileUrl"], f"{path}.fileUrl")
    if (
        obj["usageType"] == SIGNATURE_USAGE_TYPE
        and obj["contentType"] != "application/octet-stream"
    ):
        raise fail(f"{path}.contentType", 'a signature must be sent as "application/octet-stream"')
    return obj
