"""The course's final score: a weighted mean of its graded items (ADR 0055).

Plain arithmetic on what the outline stores; it knows nothing of requests or pages. The items
are the quizzes of the course's active lessons and, unless the course counts only
server-graded work, the H5P activities of its required lessons, as before weights existed. An
item without a result yet counts as 0, as it always has.

Each item's rule may carry a `weight` (text such as "2.5", written by the block when the
course is published). An activity without one weighs 1. A quiz without one counts in the
plain average of the course's quizzes without a weight, and that average weighs 1: before
weights the quiz average was one term of the final score however many quizzes there were,
and a course whose authors set no weight keeps exactly the score it had. A weight of 0 keeps
an item out of the score (formative); completion rules still read it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DEFAULT_WEIGHT = Decimal("1")
# Enrollment.final_score and quiz_average keep two decimal places.
CENT = Decimal("0.01")


def weight_of(rule: dict | None) -> Decimal | None:
    """The weight an item's stored rule gives, or None when it gives none (or one outside
    0..100, which no block lets an author save)."""
    raw = (rule or {}).get("weight")
    if raw is None or isinstance(raw, bool):
        return None
    try:
        weight = Decimal(str(raw))
    except InvalidOperation:
        return None
    if not weight.is_finite() or not Decimal("0") <= weight <= Decimal("100"):
        return None
    return weight


def activity_weight(rule: dict | None) -> Decimal:
    """An activity's weight: its rule's, else 1."""
    weight = weight_of(rule)
    return DEFAULT_WEIGHT if weight is None else weight


@dataclass(frozen=True)
class GradedScore:
    """One graded item's result in percent (0..100) and its weight; `weight` None: a quiz
    counted in the shared average of the quizzes without a weight."""

    percent: Decimal
    weight: Decimal | None = DEFAULT_WEIGHT


def final_score(items: Iterable[GradedScore]) -> Decimal | None:
    """Σ(weight × result) / Σ(weight), to two decimal places; None when nothing weighs.

    The quizzes without a weight are first averaged and rounded, as the quiz average always
    was, and that average enters with weight 1.
    """
    items = list(items)
    shared = [item.percent for item in items if item.weight is None]
    parts = [(item.percent, item.weight) for item in items if item.weight is not None]
    if shared:
        average = (sum(shared, Decimal("0")) / len(shared)).quantize(CENT)
        parts.insert(0, (average, DEFAULT_WEIGHT))
    total_weight = sum((weight for _percent, weight in parts), Decimal("0"))
    if not total_weight:
        return None
    weighted = sum((weight * percent for percent, weight in parts), Decimal("0"))
    return (weighted / total_weight).quantize(CENT)


def course_final_score(
    lessons, *, best_by_quiz: dict, best_by_activity: dict, counts_activities: bool
) -> Decimal | None:
    """The final score of one learner over the outline's active `lessons`.

    `best_by_quiz`: quiz id -> best submitted score in percent (None while only an open
    attempt exists); `best_by_activity`: activity id -> graded scaled result (0..1).
    """
    items = [
        GradedScore(best_by_quiz.get(quiz_id) or Decimal("0"), weight_of(rules.get(quiz_id)))
        for lesson in lessons
        for rules in [lesson.quiz_rules or {}]
        for quiz_id in lesson.quiz_ids
    ]
    if counts_activities:
        items += [
            GradedScore(
                100 * best_by_activity.get(activity_id, Decimal("0")),
                activity_weight(rules.get(activity_id)),
            )
            for lesson in lessons
            if lesson.is_required
            for rules in [lesson.activity_rules or {}]
            for activity_id in lesson.activity_ids
        ]
    return final_score(items)
