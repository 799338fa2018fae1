"""The small structural checks every part of a Statement is validated with.

Each raises `XAPIError` (400) with a message that starts with the path of the offending
property, so a Learning Record Provider can find what to fix.
"""

from __future__ import annotations

from typing import Any

from ..errors import XAPIError
from .formats import is_iri, is_language_tag, is_uuid
from .timestamps import parse_timestamp


def fail(path: str, problem: str, status: int = 400) -> XAPIError:
    return XAPIError(f"{path}: {problem}" if path else problem, status)


def is_number(value: Any) -> bool:
    # JSON true/false arrive as Python bools, which are ints: they are not numbers here.
    return isinstance(value, int | float) and not isinstance(value, bool)


def require_object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise fail(path, "must be a JSON object")
    return value


def check_keys(obj: dict, allowed: set[str], path: str, required: tuple[str, ...] = ()) -> None:
    for key, value in obj.items():
        if key not in allowed:
            raise fail(f"{path}.{key}" if path else key, "is not a property allowed here")
        if value is None:
            raise fail(f"{path}.{key}" if path else key, "must not be null")
    for key in required:
        if key not in obj:
            raise fail(path, f'"{key}" is required')


def check_string(value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise fail(path, "must be a string")


def check_iri(value: Any, path: str) -> None:
    if not is_iri(value):
        raise fail(path, "must be an absolute IRI with a scheme")


def check_uuid(value: Any, path: str) -> None:
    if not is_uuid(value):
        raise fail(path, "must be a UUID in standard string form")


def check_language_map(value: Any, path: str) -> None:
    obj = require_object(value, path)
    for key, text in obj.items():
        if not is_language_tag(key):
            raise fail(f"{path}.{key}", "is not an RFC 5646 language tag")
        if not isinstance(text, str):
            raise fail(f"{path}.{key}", "must be a string")


def check_extensions(value: Any, path: str) -> None:
    obj = require_object(value, path)
    for key in obj:
        # Values are free: "An LRS MUST NOT reject a Statement based on the values".
        if not is_iri(key):
            raise fail(f"{path}.{key}", "extension keys must be IRIs")


def check_timestamp(value: Any, path: str, *, strict: bool = False) -> None:
    """An ISO 8601 timestamp; `strict` applies xAPI 2.0's rules (`timestamps.parse_timestamp`)."""
    try:
        parse_timestamp(value, strict=strict)
    except ValueError as exc:
        raise fail(path, f"must be an ISO 8601 timestamp ({exc})") from None
