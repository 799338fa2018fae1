"""Server-side grading of quiz blocks. Plain Python: it knows nothing of requests."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


class QuizSubmissionError(ValueError):
    """The submitted answers do not fit the quiz (forged or stale ids, wrong shape)."""


@dataclass(frozen=True)
class QuizGrade:
    correct_count: int
    question_count: int
    score: Decimal  # percent, two decimals
    passed: bool
    answers: dict[str, list[str]]


def grade_quiz(quiz_block, answers: object) -> QuizGrade:
    """Grade `answers` ({question id: [choice id, ...]}) against a bound quiz block.

    A question is correct when exactly its correct options are chosen. Unknown question or
    option ids are refused rather than ignored, so a forged submission cannot pass silently.
    """
    if not isinstance(answers, dict):
        raise QuizSubmissionError("answers must map question ids to lists of option ids")
    questions = {item.id: item.value for item in quiz_block.value["questions"].bound_blocks}
    unknown = set(answers) - set(questions)
    if unknown:
        raise QuizSubmissionError("unknown question id")
    normalized: dict[str, list[str]] = {}
    correct = 0
    for question_id, question in questions.items():
        chosen = answers.get(question_id, [])
        if isinstance(chosen, str):
            chosen = [chosen]
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            raise QuizSubmissionError("options must be a list of ids")
        options = {item.id: item.value["is_correct"] for item in question["choices"].bound_blocks}
        if set(chosen) - set(options):
            raise QuizSubmissionError("unknown option id")
        expected = {option_id for option_id, is_correct in options.items() if is_correct}
        if chosen and set(chosen) == expected:
            correct += 1
        normalized[question_id] = sorted(set(chosen))
    total = len(questions)
    score = (Decimal(100 * correct) / Decimal(total or 1)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return QuizGrade(
        correct_count=correct,
        question_count=total,
        score=score,
        passed=score >= Decimal(quiz_block.value["pass_mark"]),
        answers=normalized,
    )
