"""What a course or program page says about the achievement its credential records."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import composition


def english_title(page) -> str:
    english = (
        type(page)
        .objects.filter(translation_key=page.translation_key, locale__language_code="en")
        .first()
    )
    return english.title if english else ""


def outcomes(page, achievement_url: str) -> tuple[composition.LearningOutcome, ...]:
    outcomes = []
    for number, block in enumerate(page.outcomes or [], start=1):
        outcomes.append(
            composition.LearningOutcome(
                name=block.value["text"],
                code=block.value.get("code") or "",
                url=f"{achievement_url}#outcome-{number}",
            )
        )
    return tuple(outcomes)


def course_criteria(outline) -> str:
    parts = [_("Completed every required lesson of the course.")]
    if outline.min_quiz_average:
        parts.append(
            _("Achieved a quiz average of at least %(score)d%%.")
            % {"score": outline.min_quiz_average}
        )
    if outline.min_activity_score:
        parts.append(
            _("Achieved at least %(score)d%% in every interactive activity.")
            % {"score": outline.min_activity_score}
        )
    if outline.quizzes_within_limit:
        parts.append(_("Passed every quiz within the attempts it allows."))
    return " ".join(parts)
