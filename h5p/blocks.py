"""The lesson block that plays an H5P activity.

The activity plays in a sandboxed iframe served from `/h5p/play/<uuid>/` (see
ADR 0007); this block renders that iframe and the small bridge that forwards the
player's xAPI statements to the platform with the learner's session.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from courses.blocks import ScoreWeightBlock, weight_text
from learning.rules import FINISHED, PASSED, VIEWED, activity_passed, activity_rule

from .access import play_token_issue
from .grading import (
    GRADING_CHOICES,
    GRADING_LABELS,
    HIGHEST,
    attempt_limit_of,
    attempts_left,
    grading_of,
)
from .media_origin import media_origin
from .selectors import LESSON_PAGE_ATTEMPTS, activity_standing, attempts_for_learner
from .viewsets import h5p_content_chooser_viewset

H5PContentChooserBlock = h5p_content_chooser_viewset.get_block_class(
    name="H5PContentChooserBlock", module_path="h5p.blocks"
)


def activity_id_of(content) -> str | None:
    """The stable id under which learning records an H5P activity: the content's uuid."""
    return str(content.uuid) if content is not None else None


class H5PActivityBlock(blocks.StructBlock):
    content = H5PContentChooserBlock(label=_("H5P activity"))
    height = blocks.IntegerBlock(
        label=_("Initial height (pixels)"),
        required=False,
        min_value=100,
        max_value=2000,
        help_text=_("The frame grows to fit the activity once it has loaded."),
    )
    completion = blocks.ChoiceBlock(
        label=_("Completes the lesson when"),
        choices=[
            (FINISHED, _("the learner finishes the activity, whatever the score")),
            (PASSED, _("the learner reaches the pass mark")),
            (VIEWED, _("the learner opens the activity")),
        ],
        default=FINISHED,
        required=False,
    )
    pass_mark = blocks.IntegerBlock(
        label=_("Pass mark (%)"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("The score, in percent, that counts as passing this activity."),
    )
    grading = blocks.ChoiceBlock(
        label=_("Graded by"),
        choices=GRADING_CHOICES,
        default=HIGHEST,
        required=False,
        help_text=_("Which attempts make the result the pass mark and the course score use."),
    )
    max_attempts = blocks.IntegerBlock(
        label=_("Attempts allowed"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Empty or 0 means no limit."),
    )
    weight = ScoreWeightBlock(
        label=_("Weight in the final score"),
        default=Decimal("1"),
        help_text=_(
            "How much this activity's graded result counts in the course's final score: 2 "
            "counts twice as much as 1. 0 counts it for completion only. Empty means 1."
        ),
    )

    class Meta:
        icon = "form"
        label = _("H5P activity")
        template = "h5p/blocks/h5p_activity.html"

    def activity_id(self, value) -> str | None:
        """Blocks with `activity_id` are counted activities in the course outline."""
        return activity_id_of(value.get("content"))

    def activity_rule(self, value) -> dict:
        """How this activity completes its lesson, in the shape `learning` stores it, with
        the grading method and attempt limit that `h5p` reads back when recording, and the
        weight of its result in the course's final score (ADR 0055)."""
        rule = activity_rule(value.get("completion"), value.get("pass_mark"))
        grading = grading_of({"grading": value.get("grading")})
        if grading != HIGHEST:  # the default, as before methods existed
            rule["grading"] = grading
        limit = attempt_limit_of({"max_attempts": value.get("max_attempts")})
        if limit:
            rule["max_attempts"] = limit
        weight = weight_text(value.get("weight"))
        if weight is not None and Decimal(weight) != 1:  # 1, or empty: the default
            rule["weight"] = weight
        return rule

    def clean(self, value):
        value = super().clean(value)
        if value.get("completion") == PASSED and not value.get("pass_mark"):
            raise StructBlockValidationError(
                block_errors={
                    "pass_mark": ValidationError(
                        _("Give a pass mark for an activity that completes the lesson by passing.")
                    )
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        request = parent_context.get("request")
        page = parent_context.get("page") or parent_context.get("self")
        content = value.get("content")
        user = getattr(request, "user", None)
        context["playable"] = bool(content and user and user.is_authenticated)
        if context["playable"]:
            lesson_id = getattr(page, "pk", None)
            token = play_token_issue(user=user, content=content, lesson_id=lesson_id)
            # On the H5P origin when one is configured (ADR 0061), else on the site itself.
            context["own_origin"] = bool(media_origin())
            context["play_url"] = (
                media_origin()
                + reverse("h5p:play", kwargs={"content_uuid": content.uuid})
                + f"?token={token}"
            )
            context["statements_url"] = (
                reverse(
                    "h5p:statements", kwargs={"lesson_id": lesson_id, "content_uuid": content.uuid}
                )
                if lesson_id
                else ""
            )
            context["csrf_token_value"] = get_token(request)
            context["reports_view"] = value.get("completion") == VIEWED
            lesson_key = getattr(page, "translation_key", None)
            context["attempts"] = (
                list(
                    attempts_for_learner(user, content=content, lesson_key=lesson_key)[
                        :LESSON_PAGE_ATTEMPTS
                    ]
                )
                if lesson_key
                else []
            )
            context["pass_mark"] = value.get("pass_mark")
            rule = self.activity_rule(value)
            standing = (
                activity_standing(user, content=content, lesson_key=lesson_key, rule=rule)
                if lesson_key
                else None
            )
            context["standing"] = standing
            context["grading_label"] = GRADING_LABELS[grading_of(rule)]
            context["max_attempts"] = attempt_limit_of(rule)
            context["attempts_left"] = attempts_left(rule, standing.finished if standing else 0)
            context["attempts_used_up"] = bool(standing and standing.used_up)
            for attempt in context["attempts"]:
                # With a pass mark the lesson's rule says what passing is; else the player's.
                passed = activity_passed(rule, attempt.scaled_score)
                attempt.passed = attempt.success if passed is None else passed
        context["content"] = content
        context["height"] = value.get("height") or 400
        return context
