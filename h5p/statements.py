"""Reading what a player's xAPI statement says: its score, duration, response and question.

Plain Python over the statement as JSON: no models, no requests. `services` records what these
functions read; a statement they refuse (`H5PError`) is answered 400 and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
FINISHING_VERBS = {ANSWERED, COMPLETED}
# The biggest score the attempt tables hold (12 digits, 4 after the point).
MAX_SCORE = Decimal("99999999")
# xAPI durations are ISO 8601 (`PT4.2S`, `P1DT2H`); H5P writes seconds with two decimals.
DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
MAX_DURATION = dt.timedelta(days=365)


class H5PError(Exception):
    """A rule said no; `message` is for a person, `code` for code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Score:
    raw: Decimal | None
    maximum: Decimal | None
    scaled: Decimal | None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def is_finishing(statement: dict) -> bool:
    """H5P's own rule: `answered` or `completed`, and not about a part of a bigger activity."""
    if _dict(statement.get("verb")).get("id") not in FINISHING_VERBS:
        return False
    return not _dict(_dict(statement.get("context")).get("contextActivities")).get("parent")


def _number(score: dict, key: str) -> Decimal | None:
    if key not in score:
        return None
    value = score[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise H5PError("bad_score", _("A score must be a number."))
    return Decimal(str(value))


def score_of(statement: dict) -> Score | None:
    """`result.score`, checked: nothing below zero or above its maximum; None if unscored.

    The scaled score is the player's when given, else raw/max.
    """
    result = _dict(statement.get("result"))
    if "score" not in result:
        return None
    if not isinstance(result["score"], dict):
        raise H5PError("bad_score", _("A score must be a JSON object."))
    score = result["score"]
    raw, minimum, maximum, scaled = (_number(score, k) for k in ("raw", "min", "max", "scaled"))
    if any(value is not None and value < 0 for value in (raw, minimum, maximum, scaled)):
        raise H5PError("bad_score", _("A score cannot be below zero."))
    if any(value is not None and value > MAX_SCORE for value in (raw, maximum)):
        raise H5PError("bad_score", _("The score is too large."))
    if raw is not None and maximum is not None and raw > maximum:
        raise H5PError("bad_score", _("The score is above its maximum."))
    if raw is not None and minimum is not None and raw < minimum:
        raise H5PError("bad_score", _("The score is below its minimum."))
    if scaled is not None and scaled > 1:
        raise H5PError("bad_score", _("A scaled score cannot be above 1."))
    if scaled is None and raw is not None and maximum:
        scaled = raw / maximum
    return Score(
        raw=raw,
        maximum=maximum,
        scaled=scaled.quantize(Decimal("0.0001")) if scaled is not None else None,
    )


def duration_of(statement: dict) -> dt.timedelta | None:
    """`result.duration` as a timedelta; None when missing, malformed or absurdly long."""
    value = _dict(statement.get("result")).get("duration")
    match = DURATION.match(value) if isinstance(value, str) and len(value) <= 64 else None
    if match is None or value in ("P", "PT"):
        return None
    parts = {key: float(number) for key, number in match.groupdict().items() if number}
    duration = dt.timedelta(**parts)
    return duration if duration <= MAX_DURATION else None


def response_of(statement: dict) -> str:
    response = _dict(statement.get("result")).get("response")
    return response[:10_000] if isinstance(response, str) else ""


def success_of(statement: dict) -> bool | None:
    success = _dict(statement.get("result")).get("success")
    return success if isinstance(success, bool) else None


def sub_content_id_of(statement: dict, activity_iri: str) -> str:
    """H5P's `?subContentId=` when the statement is about a part of the activity, else ''."""
    object_id = _dict(statement.get("object")).get("id")
    prefix = f"{activity_iri}?subContentId="
    if isinstance(object_id, str) and object_id.startswith(prefix):
        return object_id[len(prefix) :][:64]
    return ""


def _text(language_map: Any) -> str:
    # The learner's own language comes first in H5P's maps; any entry reads well enough.
    if isinstance(language_map, dict):
        for text in language_map.values():
            if isinstance(text, str):
                return text[:2000]
    return ""


def is_interaction(statement: dict) -> bool:
    """Whether the statement answers one question: a typed interaction with a result.

    Containers (Question Set, Course Presentation) report themselves as `compound` or with no
    type; their questions arrive as their own statements with a parent.
    """
    definition = _dict(_dict(statement.get("object")).get("definition"))
    kind = definition.get("interactionType")
    return isinstance(kind, str) and kind != "compound" and "result" in statement


def interaction_fields(statement: dict, activity_iri: str) -> dict:
    """The columns of one interaction row, read from `object.definition` and `result`."""
    obj = _dict(statement.get("object"))
    definition = _dict(obj.get("definition"))
    score = score_of(statement)
    return {
        "object_iri": str(obj.get("id", ""))[:2000],
        "sub_content_id": sub_content_id_of(statement, activity_iri),
        "interaction_type": str(definition.get("interactionType", ""))[:32],
        "description": _text(definition.get("description")) or _text(definition.get("name")),
        "definition": definition,
        "response": response_of(statement),
        "raw_score": score.raw if score else None,
        "max_score": score.maximum if score else None,
        "scaled_score": score.scaled if score else None,
        "success": success_of(statement),
        "duration": duration_of(statement),
    }
