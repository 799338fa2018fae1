"""How an activity's attempts become its graded result, and how many attempts it allows.

Plain Python on scaled scores (0..1, oldest attempt first). The lesson's H5P block chooses
the method and the limit; the outline stores them with the activity's completion rule, and
the graded result is what the pass mark and the course's final score read (ADR 0044).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

HIGHEST = "highest"
AVERAGE = "average"
FIRST = "first"
LAST = "last"
GRADING_METHODS = (HIGHEST, AVERAGE, FIRST, LAST)
GRADING_CHOICES = [
    (HIGHEST, _("the highest attempt")),
    (AVERAGE, _("the average of all attempts")),
    (FIRST, _("the first attempt")),
    (LAST, _("the last attempt")),
]
GRADING_LABELS = dict(GRADING_CHOICES)
# ActivityResult keeps four decimal places.
SCALED_PLACES = Decimal("0.0001")


def grading_of(rule: dict | None) -> str:
    """The rule's grading method; anything unknown reads as `highest`, as before methods."""
    method = (rule or {}).get("grading")
    return method if method in GRADING_METHODS else HIGHEST


def attempt_limit_of(rule: dict | None) -> int:
    """The rule's maximum number of attempts; 0 means no limit."""
    limit = (rule or {}).get("max_attempts")
    return limit if isinstance(limit, int) and limit > 0 else 0


def graded_score(method: str, scores: Sequence[Decimal]) -> Decimal | None:
    """The graded result of `scores` (finished attempts, oldest first) by `method`."""
    if not scores:
        return None
    if method == AVERAGE:
        total = sum((Decimal(s) for s in scores), Decimal("0"))
        return (total / len(scores)).quantize(SCALED_PLACES, rounding=ROUND_HALF_UP)
    if method == FIRST:
        return Decimal(scores[0])
    if method == LAST:
        return Decimal(scores[-1])
    return max(Decimal(s) for s in scores)


def attempts_left(rule: dict | None, finished: int) -> int | None:
    """How many more attempts the rule allows after `finished` ones; None without a limit."""
    limit = attempt_limit_of(rule)
    return max(limit - finished, 0) if limit else None
