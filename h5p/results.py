"""What instructors read about one H5P activity: attempts, score distribution, item analysis.

Reads only, over the rows `services` recorded; the admin view renders them and the CSV export
writes them. Item analysis counts, per question (the activity itself or one part of a
container), how many answers chose each option, from the interactions' xAPI responses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from courses.models import LessonPage
from learning.models import OutlineLesson

from .grading import GRADING_LABELS, graded_score, grading_of
from .models import H5PAttempt, H5PContent, H5PInteraction

# xAPI separates the items of a multiple response with "[,]".
RESPONSE_SEPARATOR = "[,]"
# Types whose responses name options listed in `object.definition`.
OPTION_TYPES = {"choice": "choices", "sequencing": "choices"}
# Free-text answers: only the most frequent are shown.
TOP_RESPONSES = 10
# The page lists the latest attempts; the CSV export holds them all.
PAGE_ATTEMPTS = 200
BUCKETS = 10
# A cell starting with one of these is read as a formula by spreadsheet programs. The same
# list as `reports.rows.FORMULA_TRIGGERS` (a sibling app h5p may not import; a test keeps the
# two equal).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass
class OptionCount:
    label: str
    count: int
    correct: bool


@dataclass
class ItemAnalysis:
    """One question: how often it was answered, how often right, and what was chosen."""

    key: str
    description: str
    interaction_type: str
    answers: int = 0
    correct: int = 0
    options: list[OptionCount] = field(default_factory=list)

    @property
    def percent_correct(self) -> int | None:
        return round(100 * self.correct / self.answers) if self.answers else None


def finished_attempts(content: H5PContent) -> QuerySet[H5PAttempt]:
    """Every finished attempt at `content`, newest first, with its learner."""
    return (
        H5PAttempt.objects.filter(content=content, finished_at__isnull=False)
        .select_related("enrollment__learner")
        .order_by("-finished_at", "-pk")
    )


@dataclass
class LearnerResult:
    """One learner's standing on the activity in one lesson, graded by that lesson's rule."""

    learner: object
    lesson_key: object
    attempts: int
    graded: object
    grading_label: str

    @property
    def graded_percent(self) -> int | None:
        return round(100 * self.graded) if self.graded is not None else None


def learner_results(content: H5PContent) -> list[LearnerResult]:
    """Per learner and lesson: finished attempts and the graded result the lesson's rule
    gives (the result completion and the course score read), best first."""
    scores: dict[tuple, list] = {}
    learners = {}
    for attempt in finished_attempts(content).order_by("finished_at", "pk").iterator(2000):
        key = (attempt.enrollment_id, attempt.enrollment.outline_id, attempt.lesson_key)
        learners[key] = attempt.enrollment.learner
        if attempt.scaled_score is not None:
            scores.setdefault(key, []).append(attempt.scaled_score)
        else:
            scores.setdefault(key, [])
    rules = {
        (outline_id, lesson_key): (activity_rules or {}).get(str(content.uuid))
        for outline_id, lesson_key, activity_rules in OutlineLesson.objects.filter(
            outline_id__in={key[1] for key in scores}
        ).values_list("outline_id", "lesson_key", "activity_rules")
    }
    results = []
    for key, attempt_scores in scores.items():
        method = grading_of(rules.get((key[1], key[2])))
        results.append(
            LearnerResult(
                learner=learners[key],
                lesson_key=key[2],
                attempts=len(attempt_scores),
                graded=graded_score(method, attempt_scores),
                grading_label=GRADING_LABELS[method],
            )
        )
    return sorted(results, key=lambda r: (r.graded is None, -(r.graded or 0)))


def lesson_titles(content: H5PContent) -> dict:
    """Lesson key -> title of the lessons `content` has attempts in."""
    keys = set(
        H5PAttempt.objects.filter(content=content).values_list("lesson_key", flat=True).distinct()
    )
    return dict(
        LessonPage.objects.filter(translation_key__in=keys).values_list("translation_key", "title")
    )


def score_distribution(content: H5PContent) -> list[dict]:
    """Finished attempts per tenth of the score (0-9%, ..., 90-100%), for a bar chart."""
    counts = [0] * BUCKETS
    scores = finished_attempts(content).exclude(scaled_score=None).values_list("scaled_score")
    for (scaled,) in scores.iterator(chunk_size=2000):
        counts[min(int(scaled * BUCKETS), BUCKETS - 1)] += 1
    top = max(counts) or 1
    return [
        {
            "label": f"{10 * i}–{10 * i + 9 if i < BUCKETS - 1 else 100}%",
            "count": count,
            "width": round(100 * count / top),
        }
        for i, count in enumerate(counts)
    ]


def _labels(definition: dict, key: str) -> dict[str, str]:
    labels = {}
    for option in definition.get(key) or []:
        if isinstance(option, dict) and isinstance(option.get("id"), str):
            description = option.get("description")
            text = next(
                (t for t in (description or {}).values() if isinstance(t, str)), option["id"]
            )
            labels[option["id"]] = strip_tags(text).strip() or option["id"]
    return labels


def _correct_ids(definition: dict) -> set[str]:
    patterns = definition.get("correctResponsesPattern") or []
    return {
        part for pattern in patterns if isinstance(pattern, str) for part in pattern.split("[,]")
    }


def item_analysis(content: H5PContent) -> list[ItemAnalysis]:
    """Per question of `content`, in the order first answered: answers, right, options chosen."""
    items: dict[str, ItemAnalysis] = {}
    chosen: dict[str, Counter] = {}
    definitions: dict[str, dict] = {}
    rows = H5PInteraction.objects.filter(attempt__content=content).order_by("recorded_at", "pk")
    for row in rows.values(
        "sub_content_id", "description", "interaction_type", "definition", "response", "success"
    ).iterator(chunk_size=2000):
        key = row["sub_content_id"] or ""
        item = items.get(key)
        if item is None:
            item = items[key] = ItemAnalysis(
                key=key,
                description=strip_tags(row["description"]).strip() or _("(no question text)"),
                interaction_type=row["interaction_type"],
            )
            chosen[key] = Counter()
        definitions[key] = row["definition"] if isinstance(row["definition"], dict) else {}
        item.answers += 1
        item.correct += row["success"] is True
        response = row["response"] or ""
        if item.interaction_type in OPTION_TYPES or item.interaction_type == "true-false":
            chosen[key].update(part for part in response.split(RESPONSE_SEPARATOR) if part)
        else:
            chosen[key][response] += 1
    for key, item in items.items():
        definition = definitions[key]
        correct = _correct_ids(definition)
        if item.interaction_type in OPTION_TYPES:
            labels = _labels(definition, OPTION_TYPES[item.interaction_type])
            item.options = [
                OptionCount(label, chosen[key].get(option_id, 0), option_id in correct)
                for option_id, label in labels.items()
            ]
        elif item.interaction_type == "true-false":
            item.options = [
                OptionCount(_("True"), chosen[key].get("true", 0), "true" in correct),
                OptionCount(_("False"), chosen[key].get("false", 0), "false" in correct),
            ]
        else:
            item.options = [
                OptionCount(response or _("(no answer)"), count, response in correct)
                for response, count in chosen[key].most_common(TOP_RESPONSES)
            ]
    return list(items.values())


def attempt_rows(content: H5PContent) -> Iterator[list]:
    """The CSV export of every finished attempt: a header, then one row per attempt."""
    titles = lesson_titles(content)
    yield [
        _("Learner"),
        _("Email"),
        _("Lesson"),
        _("Started"),
        _("Finished"),
        _("Score"),
        _("Maximum"),
        _("Percent"),
        _("Success"),
        _("Duration (seconds)"),
        _("Response"),
    ]
    for attempt in finished_attempts(content).iterator(chunk_size=2000):
        learner = attempt.enrollment.learner
        yield [
            learner.get_full_name(),
            learner.email,
            titles.get(attempt.lesson_key, ""),
            attempt.started_at.isoformat(),
            attempt.finished_at.isoformat(),
            attempt.raw_score,
            attempt.max_score,
            attempt.percent,
            {True: _("yes"), False: _("no")}.get(attempt.success, ""),
            round(attempt.duration.total_seconds(), 2) if attempt.duration else "",
            attempt.response,
        ]


def item_rows(content: H5PContent) -> Iterator[list]:
    """The CSV export of the item analysis: one row per option of each question."""
    yield [_("Question"), _("Type"), _("Answers"), _("Correct answers"), _("Option"), _("Chosen")]
    for item in item_analysis(content):
        for option in item.options or [OptionCount("", 0, False)]:
            yield [
                item.description,
                item.interaction_type,
                item.answers,
                item.correct,
                option.label + (" ✓" if option.correct else ""),
                option.count,
            ]
