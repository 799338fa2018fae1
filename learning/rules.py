"""Rules about a learner's progress that more than one place applies.

Each rule lives once, here, so the page that offers an action and the service that performs
it can never disagree.
"""

from decimal import Decimal

from django.db.models import Min


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


def course_rule_satisfied(
    outline, lessons, done_keys, quiz_average, counts_activities, activity_scores
) -> bool:
    """Whether a course's completion rule holds for these lessons, quizzes and activities."""
    if not lessons:
        return False
    has_threshold = bool(outline.min_quiz_average) or (
        counts_activities and bool(outline.min_activity_score)
    )
    # A rule with no lesson requirement and no threshold would complete on enrollment;
    # such a rule falls back to requiring the lessons.
    lessons_required = outline.requires_all_lessons or not has_threshold
    if lessons_required and any(
        lesson.is_required and lesson.lesson_key not in done_keys for lesson in lessons
    ):
        return False
    if outline.min_quiz_average and (quiz_average or Decimal("0")) < outline.min_quiz_average:
        return False
    if counts_activities and outline.min_activity_score:
        threshold = Decimal(outline.min_activity_score) / 100
        if any(score is None or score < threshold for score in activity_scores):
            return False
    return True


def quizzes_passed_within_limit(enrollment, lessons) -> bool:
    # With the course's "within the attempt limit" rule, every quiz of a required lesson needs
    # a passed attempt whose number is within the limit the quiz sets (0: no limit).
    if not enrollment.outline.quizzes_within_limit:
        return True
    first_pass = dict(
        enrollment.quiz_attempts.filter(passed=True)
        .values("quiz_id")
        .annotate(first=Min("number"))
        .values_list("quiz_id", "first")
    )
    for lesson in lessons:
        if not lesson.is_required:
            continue
        for quiz_id in lesson.quiz_ids:
            limit = (lesson.quiz_rules or {}).get(quiz_id, {}).get("attempt_limit") or 0
            number = first_pass.get(quiz_id)
            if number is None or (limit and number > limit):
                return False
    return True
