"""The rules of quiz attempts: when one may start, what it draws, what the learner is told.

Plain Python over plain values, so the lesson page that offers an attempt and the service
that starts it apply the same rule (ADR 0037). `rule` is a quiz's settings as
`courses.blocks.quiz_rule` returns them.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from courses.blocks import FEEDBACK_AT_END, FEEDBACK_EVERY_ATTEMPT

# Draws use the operating system's randomness: nothing a learner sends can steer them.
_RANDOM = random.SystemRandom()


@dataclass(frozen=True)
class QuizStanding:
    """Where a learner stands on one quiz, from their attempts and the quiz's settings."""

    attempts_used: int  # submitted attempts
    attempt_limit: int  # 0: no limit
    passed: bool
    next_attempt_at: datetime | None  # set while a cooldown runs
    has_open_attempt: bool

    @property
    def attempts_left(self) -> int | None:
        """None when the quiz has no limit."""
        if not self.attempt_limit:
            return None
        return max(0, self.attempt_limit - self.attempts_used)

    @property
    def is_finished(self) -> bool:
        """Passed, or out of attempts: nothing more can be gained by trying again."""
        return self.passed or self.attempts_left == 0

    @property
    def in_cooldown(self) -> bool:
        return self.next_attempt_at is not None

    @property
    def can_start(self) -> bool:
        return not (self.is_finished or self.in_cooldown or self.has_open_attempt)


def quiz_standing(rule: dict, submitted: list, *, has_open_attempt: bool, now) -> QuizStanding:
    """The standing given the learner's submitted attempts (objects with `passed` and
    `submitted_at`), in any order.

    The cooldown runs from the submission of the latest failed attempt; a pass ends the quiz.
    """
    passed = any(attempt.passed for attempt in submitted)
    next_attempt_at = None
    cooldown = rule.get("cooldown_minutes") or 0
    if cooldown and submitted and not passed:
        latest = max(attempt.submitted_at for attempt in submitted)
        opens = latest + timedelta(minutes=cooldown)
        next_attempt_at = opens if opens > now else None
    return QuizStanding(
        attempts_used=len(submitted),
        attempt_limit=rule.get("attempt_limit") or 0,
        passed=passed,
        next_attempt_at=next_attempt_at,
        has_open_attempt=has_open_attempt,
    )


def quiz_draw(rule: dict, questions: list[tuple[str, list[str]]], previous=None) -> list[dict]:
    """Draw an attempt: `questions` is the quiz's (question id, [option ids]) in authored order.

    With a pool, N questions are drawn from M (shown in authored order). With shuffling, each
    question's options are shuffled, and a question whose order came out as in `previous` (the
    learner's last draw) is turned by one, so no attempt repeats the last one's order.
    """
    count = rule.get("questions_per_attempt") or 0
    chosen = questions
    if 0 < count < len(questions):
        picked = set(_RANDOM.sample(range(len(questions)), count))
        chosen = [question for index, question in enumerate(questions) if index in picked]
    before = {item["question"]: item["options"] for item in previous or []}
    draw = []
    for question_id, option_ids in chosen:
        options = list(option_ids)
        if rule.get("shuffle_answers", True) and len(options) > 1:
            _RANDOM.shuffle(options)
            if options == before.get(question_id):
                options = options[1:] + options[:1]
        draw.append({"question": question_id, "options": options})
    return draw


def shows_correctness(rule: dict, standing: QuizStanding) -> bool:
    """Whether per-question right/wrong (and explanations) may be shown now."""
    feedback = rule.get("feedback") or FEEDBACK_EVERY_ATTEMPT
    if feedback == FEEDBACK_EVERY_ATTEMPT:
        return True
    return feedback == FEEDBACK_AT_END and standing.is_finished
