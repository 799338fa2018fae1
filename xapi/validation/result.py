"""The Result of a Statement (xAPI Data 2.4.5): score, success, completion, duration."""

from __future__ import annotations

from typing import Any

from .checks import check_extensions, check_keys, check_string, fail, is_number, require_object
from .timestamps import is_duration


def validate_result(value: Any, path: str = "result", *, strict: bool = False) -> dict:
    """Validate a Result; `strict` applies xAPI 2.0's duration rule (ADR 0045)."""
    obj = require_object(value, path)
    check_keys(obj, {"score", "success", "completion", "response", "duration", "extensions"}, path)
    for key in ("success", "completion"):
        if key in obj and not isinstance(obj[key], bool):
            raise fail(f"{path}.{key}", "must be a boolean")
    if "response" in obj:
        check_string(obj["response"], f"{path}.response")
    if "duration" in obj and not is_duration(obj["duration"], strict=strict):
        problem = "must be an ISO 8601 duration"
        if strict and is_duration(obj["duration"]):
            problem += ", with a decimal fraction only in its last component"
        raise fail(f"{path}.duration", problem)
    if "extensions" in obj:
        check_extensions(obj["extensions"], f"{path}.extensions")
    if "score" in obj:
        score = require_object(obj["score"], f"{path}.score")
        check_keys(score, {"scaled", "raw", "min", "max"}, f"{path}.score")
        for key, number in score.items():
            if not is_number(number):
                raise fail(f"{path}.score.{key}", "must be a number")
        if "scaled" in score and not -1 <= score["scaled"] <= 1:
            raise fail(f"{path}.score.scaled", "must be between -1 and 1")
        low, high, raw = score.get("min"), score.get("max"), score.get("raw")
        if low is not None and high is not None and not low < high:
            raise fail(f"{path}.score", "min must be less than max")
        if raw is not None and low is not None and raw < low:
            raise fail(f"{path}.score.raw", "must not be less than min")
        if raw is not None and high is not None and raw > high:
            raise fail(f"{path}.score.raw", "must not be greater than max")
    return obj
