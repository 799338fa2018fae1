"""Rules about a learner's progress that more than one place applies.

Each rule lives once, here, so the page that offers an action and the service that performs
it can never disagree.
"""


def completed_by_marking(*, quiz_ids, activity_ids, server_graded_only: bool) -> bool:
    """Whether a lesson is completed by the learner marking it complete.

    Graded lessons are completed by passing: a lesson with quizzes always, and a lesson with
    H5P activities unless the course counts only server-graded work (then its activities do
    not count, ADR 0007).
    """
    return not quiz_ids and (not activity_ids or server_graded_only)
