"""StreamField blocks for lesson bodies.

Blocks stay light on purpose: learners are on slow, costly connections, so a video is a
link-out facade (no third-party player until the learner asks for it) and code is plain
pre-formatted text (no client-side highlighter).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", "H2"), ("h3", "H3"), ("h4", "H4")], default="h2", label=_("Level")
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "courses/blocks/heading.html"
        preview_value = {"text": "Why data quality matters", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(label=_("Alternative text"), max_length=250)
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("Video URL"))
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    duration_minutes = blocks.IntegerBlock(
        label=_("Duration (minutes)"), required=False, min_value=0
    )
    transcript = blocks.TextBlock(label=_("Transcript"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"
        preview_value = {"url": "https://example.org/video", "title": "Lecture 1"}


class CodeBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(
        choices=[("python", "Python"), ("sql", "SQL"), ("bash", "Shell"), ("text", _("Text"))],
        default="python",
        label=_("Language"),
    )
    code = blocks.TextBlock(label=_("Code"))

    class Meta:
        icon = "code"
        label = _("Code")
        template = "courses/blocks/code.html"
        preview_value = {"language": "python", "code": "print('salom')"}


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("info", _("Note")), ("tip", _("Tip")), ("warning", _("Warning"))],
        default="info",
        label=_("Tone"),
    )
    body = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"], label=_("Body"))

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class ResourceBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("File"))
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=250)

    class Meta:
        icon = "doc-full"
        label = _("Downloadable resource")
        template = "courses/blocks/resource.html"


# A graded item's weight in the course's final score (ADR 0055): 0 (formative) to 100, with at
# most two decimal places, so a half or 12.5 can be said and the outline's numbers stay small.
WEIGHT_MAX = Decimal("100")
_WEIGHT_ERROR_CODES = (
    "invalid",
    "min_value",
    "max_value",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
)


class ScoreWeightBlock(blocks.DecimalBlock):
    """How much a quiz or an activity counts in the course's final score."""

    def __init__(self, required=False, help_text=None, **kwargs):
        super().__init__(
            required=required,
            help_text=help_text,
            min_value=Decimal("0"),
            max_value=WEIGHT_MAX,
            max_digits=5,
            decimal_places=2,
            **kwargs,
        )
        # One plain sentence for every way a weight can be wrong, instead of Django's four.
        message = _("Give a weight from 0 to 100, with at most two decimal places.")
        self.field.error_messages.update(dict.fromkeys(_WEIGHT_ERROR_CODES, message))


def weight_text(value) -> str | None:
    """A block's weight as the outline stores it ("2.5", "10"), or None when the block has
    none (or an unusable one, which validation keeps from being saved)."""
    if value is None or value == "":
        return None
    try:
        weight = Decimal(str(value))
    except InvalidOperation:
        return None
    if not weight.is_finite() or not Decimal("0") <= weight <= WEIGHT_MAX:
        return None
    return "0" if weight == 0 else format(weight.normalize(), "f")


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=500)
    is_correct = blocks.BooleanBlock(label=_("Correct"), required=False)

    class Meta:
        icon = "tick"
        label = _("Answer option")


class QuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Question"))
    # Two empty options to start with: a question needs at least two (issue 13, item 7).
    choices = blocks.ListBlock(
        ChoiceBlock(),
        min_num=2,
        max_num=10,
        default=[{"text": "", "is_correct": False}, {"text": "", "is_correct": False}],
        label=_("Answer options"),
    )
    explanation = blocks.TextBlock(label=_("Explanation shown after grading"), required=False)

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["is_correct"] for choice in value["choices"]):
            raise blocks.StructBlockValidationError(
                block_errors={"choices": ValidationError(_("Mark at least one answer as correct."))}
            )
        return value


# What a learner is told about each question after an attempt (ADR 0037).
FEEDBACK_EVERY_ATTEMPT = "every_attempt"
FEEDBACK_AT_END = "at_end"
FEEDBACK_SCORE_ONLY = "score_only"


class QuizBlock(blocks.StructBlock):
    """A quiz graded on the server: the browser sends chosen option ids, never a score.

    The settings below are enforced by `learning` (ADR 0037): each attempt's drawn questions
    and option order are fixed and stored when the attempt starts.
    """

    title = blocks.CharBlock(label=_("Title"), max_length=200)
    pass_mark = blocks.IntegerBlock(
        label=_("Pass mark (%)"), min_value=0, max_value=100, default=70
    )
    attempt_limit = blocks.IntegerBlock(
        label=_("Attempts allowed"),
        min_value=0,
        max_value=100,
        default=0,
        help_text=_("0 means no limit."),
    )
    cooldown_minutes = blocks.IntegerBlock(
        label=_("Wait between attempts (minutes)"),
        min_value=0,
        max_value=60 * 24 * 30,
        default=0,
        help_text=_("Counted from the moment a failed attempt is submitted. 0 means no wait."),
    )
    questions_per_attempt = blocks.IntegerBlock(
        label=_("Questions drawn per attempt"),
        min_value=0,
        max_value=50,
        default=0,
        help_text=_("Draw this many questions from the pool below for each attempt. 0: all."),
    )
    shuffle_answers = blocks.BooleanBlock(
        label=_("Shuffle answer options on each attempt"), required=False, default=True
    )
    feedback = blocks.ChoiceBlock(
        choices=[
            (FEEDBACK_EVERY_ATTEMPT, _("After every attempt")),
            (FEEDBACK_AT_END, _("Only after passing or the last attempt")),
            (FEEDBACK_SCORE_ONLY, _("Never: show the score only")),
        ],
        default=FEEDBACK_EVERY_ATTEMPT,
        label=_("Show which questions were right"),
    )
    weight = ScoreWeightBlock(
        label=_("Weight in the final score"),
        help_text=_(
            "How much this quiz counts in the course's final score beside the other quizzes and "
            "activities; 0 counts it for completion only. Left empty, the quiz counts in the "
            "average of the course's quizzes that have no weight, and that average weighs 1."
        ),
    )
    questions = blocks.ListBlock(QuestionBlock(), min_num=1, max_num=50, label=_("Questions"))

    class Meta:
        icon = "list-ul"
        label = _("Quiz")
        template = "courses/blocks/quiz.html"

    def clean(self, value):
        value = super().clean(value)
        drawn = value.get("questions_per_attempt") or 0
        if drawn > len(value["questions"]):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "questions_per_attempt": ValidationError(
                        _("The pool has fewer questions than that.")
                    )
                }
            )
        return value

    def quiz_rule(self, value) -> dict:
        """The quiz's settings in the shape `learning` stores them on the course outline."""
        return quiz_rule(value)


def quiz_rule(value) -> dict:
    """Settings of a quiz block value (raw or bound), with defaults for quizzes saved before
    the settings existed."""
    feedback = value.get("feedback") or FEEDBACK_EVERY_ATTEMPT
    if feedback not in (FEEDBACK_EVERY_ATTEMPT, FEEDBACK_AT_END, FEEDBACK_SCORE_ONLY):
        feedback = FEEDBACK_EVERY_ATTEMPT
    shuffle = value.get("shuffle_answers")
    rule = {
        "pass_mark": int(value.get("pass_mark") or 0),
        "attempt_limit": max(0, int(value.get("attempt_limit") or 0)),
        "cooldown_minutes": max(0, int(value.get("cooldown_minutes") or 0)),
        "questions_per_attempt": max(0, int(value.get("questions_per_attempt") or 0)),
        "shuffle_answers": True if shuffle is None else bool(shuffle),
        "feedback": feedback,
    }
    # Only a weight the author gave: without one the quiz shares the quiz average (ADR 0055).
    weight = weight_text(value.get("weight"))
    if weight is not None:
        rule["weight"] = weight
    return rule


# Lesson blocks contributed by apps above `courses` (H5P activities, for one), registered in
# their `AppConfig.ready()`. `courses` cannot import them without reversing the app layering
# (ADR 0015); the StreamField builds its block lazily, after every app is ready.
_CONTRIBUTED_LESSON_BLOCKS: dict[str, blocks.Block] = {}


def lesson_block_register(name: str, block: blocks.Block) -> None:
    """Offer `block` to lesson bodies under `name` (stable: it is stored in the content).

    Registering the same name twice keeps the first block, so a reloaded app config does not
    change what is stored.
    """
    _CONTRIBUTED_LESSON_BLOCKS.setdefault(name, block)


class LessonBodyBlock(blocks.StreamBlock):
    """The lesson body: the blocks declared here, then those other apps contributed."""

    def __init__(self, local_blocks=None, **kwargs):
        contributed = [
            (name, block)
            for name, block in _CONTRIBUTED_LESSON_BLOCKS.items()
            if name not in self.base_blocks
        ]
        super().__init__(local_blocks=[*contributed, *(local_blocks or [])], **kwargs)

    rich_text = blocks.RichTextBlock(
        features=["h3", "h4", "bold", "italic", "link", "ol", "ul", "blockquote", "code"],
        label=_("Rich text"),
        template="courses/blocks/rich_text.html",
    )
    heading = HeadingBlock()
    image = ImageBlock()
    video = VideoBlock()
    code = CodeBlock()
    callout = CalloutBlock()
    resource = ResourceBlock()
    quiz = QuizBlock()
