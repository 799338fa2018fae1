"""Rules about a learner's progress that more than one place applies.

Each rule lives once, here, so the page that offers an action and the service that performs
it can never disagree.
"""

from decimal import Decimal


def completed_by_marking(*, quiz_ids, activity_ids, server_graded_only: bool) -> bool:
    """Whether a lesson is completed by the learner marking it complete.

    Graded lessons are completed by passing: a lesson with quizzes always, and a lesson with
    H5P activities unless the course counts only server-graded work (then its activities do
    not count, ADR 0007).
    """
    return not quiz_ids and (not activity_ids or server_graded_only)


# How an interactive activity completes its lesson; the activity's block chooses, per lesson.
VIEWED = "viewed"
FINISHED = "finished"
PASSED = "passed"
ACTIVITY_CONDITIONS = (VIEWED, FINISHED, PASSED)


def activity_rule(completion: str | None = None, pass_mark: int | None = None) -> dict:
    """The rule an activity's block declares, in the shape outlines store it.

    Anything unknown reads as `finished`, the rule every activity followed before blocks could
    choose. `passed` without a pass mark would pass on any score, so it needs 1..100.
    """
    if completion not in ACTIVITY_CONDITIONS:
        completion = FINISHED
    if completion == PASSED and not (isinstance(pass_mark, int) and 0 < pass_mark <= 100):
        raise ValueError("an activity completed by passing needs a pass mark of 1 to 100")
    rule: dict = {"completion": completion}
    if isinstance(pass_mark, int) and 0 <= pass_mark <= 100:
        rule["pass_mark"] = pass_mark
    return rule


def activity_passed(rule: dict | None, best_scaled_score) -> bool | None:
    """Whether a score (0..1) reaches the rule's pass mark; None when the rule has no mark."""
    pass_mark = (rule or {}).get("pass_mark")
    if pass_mark is None or best_scaled_score is None:
        return None if pass_mark is None else False
    return 100 * Decimal(best_scaled_score) >= pass_mark


def activity_done(rule: dict | None, *, viewed: bool, finished: bool, best_scaled_score) -> bool:
    """Whether an activity's record meets the completion condition its lesson set for it."""
    completion = (rule or {}).get("completion", FINISHED)
    if completion == VIEWED:
        return viewed or finished
    if completion == PASSED:
        return finished and bool(activity_passed(rule, best_scaled_score))
    return finished
