"""Server-side grading of quiz blocks. Plain Python: it knows nothing of requests."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


class QuizSubmissionError(ValueError):
    """The submitted answers do not fit the attempt (forged or stale ids, wrong shape)."""


@dataclass(frozen=True)
class QuizGrade:
    correct_count: int
    question_count: int
    score: Decimal  # percent, two decimals
    passed: bool
    answers: dict[str, list[str]]


def quiz_questions(quiz_block) -> list[tuple[str, list[str]]]:
    """A bound quiz block's (question id, [option ids]) in authored order."""
    return [
        (item.id, [choice.id for choice in item.value["choices"].bound_blocks])
        for item in quiz_block.value["questions"].bound_blocks
    ]


def correct_options(quiz_block) -> dict[str, set[str]]:
    """Question id -> the ids of its correct options."""
    return {
        item.id: {
            choice.id for choice in item.value["choices"].bound_blocks if choice.value["is_correct"]
        }
        for item in quiz_block.value["questions"].bound_blocks
    }


def grade_quiz(quiz_block, answers: object, draw: list | None = None) -> QuizGrade:
    """Grade `answers` ({question id: [option id, ...]}) against the questions of `draw`.

    `draw` is the attempt's stored draw ([{"question": id, "options": [ids]}]); without one,
    every question of the quiz counts. A question is correct when exactly its correct options
    are chosen. A question or option outside the draw is refused rather than ignored, so a
    forged submission cannot pass silently. Drawn questions or options the author has since
    removed are left out of the grade.
    """
    if not isinstance(answers, dict):
        raise QuizSubmissionError("answers must map question ids to lists of option ids")
    expected_by_question = correct_options(quiz_block)
    authored = dict(quiz_questions(quiz_block))
    if draw is None:
        draw = [{"question": q, "options": o} for q, o in authored.items()]
    shown = {
        item["question"]: [o for o in item["options"] if o in authored[item["question"]]]
        for item in draw
        if item["question"] in authored
    }
    if set(answers) - set(shown):
        raise QuizSubmissionError("question not in this attempt")
    normalized: dict[str, list[str]] = {}
    correct = 0
    for question_id, options in shown.items():
        chosen = answers.get(question_id, [])
        if isinstance(chosen, str):
            chosen = [chosen]
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            raise QuizSubmissionError("options must be a list of ids")
        if set(chosen) - set(options):
            raise QuizSubmissionError("option not in this attempt")
        expected = expected_by_question[question_id] & set(options)
        if chosen and set(chosen) == expected:
            correct += 1
        normalized[question_id] = sorted(set(chosen))
    total = len(shown)
    score = (Decimal(100 * correct) / Decimal(total or 1)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return QuizGrade(
        correct_count=correct,
        question_count=total,
        score=score,
        passed=bool(total) and score >= Decimal(quiz_block.value["pass_mark"]),
        answers=normalized,
    )
