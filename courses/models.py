"""Authored content: the joint-curriculum page tree and the runs a course is offered in.

    HomePage
    ├── UniversityPage (one per university; its subtree is what the university's editors own)
    │   └── CoursePage
    │       └── ModulePage
    │           └── LessonPage
    └── ProgramIndexPage
        └── ProgramPage (co-owned by several partner universities)

Learner records never read this tree at request time: `learning.services.course_outline_sync`
copies what progress needs into `learning` tables when a course is published.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from universities.models import Membership

from .admin_forms import CoursePageAdminForm
from .blocks import LessonBodyBlock
from .terms import Season, term_name


class Level(models.TextChoices):
    INTRODUCTORY = "introductory", _("Introductory")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class OutcomeBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Learning outcome"), max_length=300)
    code = blocks.CharBlock(
        label=_("Framework code"),
        required=False,
        max_length=50,
        help_text=_("Optional code in a competency framework, used in certificate alignments."),
    )

    class Meta:
        icon = "tick-inverse"
        label = _("Learning outcome")


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.UniversityPage", "courses.ProgramIndexPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        # The catalogue's reads import these models, so they are imported at serve time.
        from .selectors import CatalogueFilters, catalogue_courses, catalogue_programs

        context = super().get_context(request, *args, **kwargs)
        filters = CatalogueFilters()
        context["featured_courses"] = list(catalogue_courses(filters, self.locale)[:6])
        context["programs"] = catalogue_programs(filters, self.locale)[:3]
        return context


class UniversityPage(Page):
    """A university's section of the tree. Its editors' page permissions are granted here."""

    university = models.ForeignKey(
        "universities.University", on_delete=models.PROTECT, related_name="pages"
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("university"), FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("university section")

    def get_context(self, request, *args, **kwargs):
        # The catalogue's reads import these models, so they are imported at serve time.
        from .selectors import CatalogueFilters, catalogue_courses

        context = super().get_context(request, *args, **kwargs)
        filters = CatalogueFilters(university=self.university.code)
        context["courses"] = list(catalogue_courses(filters, self.locale)[:50])
        return context


class CoursePage(Page):
    university = models.ForeignKey(
        "universities.University",
        on_delete=models.PROTECT,
        related_name="owned_courses",
        editable=False,
        help_text=_("Taken from the university section the course sits in."),
    )
    co_teaching_universities = ParentalManyToManyField(
        "universities.University",
        blank=True,
        related_name="co_taught_courses",
        verbose_name=_("co-teaching universities"),
    )
    summary = models.CharField(_("summary"), max_length=300)
    description = RichTextField(_("description"), blank=True)
    outcomes = StreamField(
        [("outcome", OutcomeBlock())], blank=True, verbose_name=_("learning outcomes")
    )
    language = models.CharField(_("teaching language"), max_length=10, choices=settings.LANGUAGES)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    ects_credits = models.DecimalField(
        _("ECTS credits"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("3.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
    )
    effort_hours = models.PositiveIntegerField(_("expected effort (hours)"), default=30)
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage",
        blank=True,
        related_name="required_by",
        verbose_name=_("prerequisite courses"),
    )
    # The completion rule, copied into learning.CourseOutline on publish.
    completion_requires_all_lessons = models.BooleanField(
        _("all required lessons must be completed"), default=True
    )
    completion_min_quiz_average = models.PositiveSmallIntegerField(
        _("minimum quiz average (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    completion_min_activity_score = models.PositiveSmallIntegerField(
        _("minimum score on interactive activities (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
    )
    completion_server_graded_only = models.BooleanField(
        _("count only server-graded quizzes"),
        default=False,
        help_text=_(
            "Interactive (H5P) scores are computed in the learner's browser and can be forged. "
            "Tick this to base completion and certificates on server-graded quizzes only."
        ),
    )

    completion_quizzes_within_limit = models.BooleanField(
        _("every quiz passed within its attempt limit"),
        default=False,
        help_text=_(
            "Completion and the certificate then need a pass on every quiz of the required "
            "lessons, within the number of attempts each quiz allows."
        ),
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("language"),
        index.FilterField("level"),
        index.FilterField("university"),
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("language"),
                FieldPanel("level"),
                FieldPanel("ects_credits"),
                FieldPanel("effort_hours"),
            ],
            heading=_("Facts"),
        ),
        FieldPanel("co_teaching_universities"),
        InlinePanel("course_instructors", label=_("Instructors")),
        FieldPanel("prerequisites"),
        MultiFieldPanel(
            [
                FieldPanel("completion_requires_all_lessons"),
                FieldPanel("completion_min_quiz_average"),
                FieldPanel("completion_min_activity_score"),
                FieldPanel("completion_server_graded_only"),
                FieldPanel("completion_quizzes_within_limit"),
            ],
            heading=_("Completion rule"),
        ),
    ]
    parent_page_types = ["courses.UniversityPage"]
    subpage_types = ["courses.ModulePage"]
    base_form_class = CoursePageAdminForm
    # The admin lists modules in course order (the tree order learners follow), not by
    # latest edit, Wagtail's default: editing a module must not move it to the top.
    admin_default_ordering = "ord"

    class Meta:
        verbose_name = _("course")

    def full_clean(self, *args, **kwargs):
        self._take_university_from_parent()
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self._take_university_from_parent()
        super().save(*args, **kwargs)

    def _take_university_from_parent(self) -> None:
        # The owning university is where the page sits, so page permissions and ownership agree.
        if self.university_id is None and self.path and self.depth and self.depth > 1:
            parent = self.get_parent(update=True).specific
            self.university_id = getattr(parent, "university_id", None)

    @cached_property
    def source_page(self) -> "CoursePage":
        """The page in the course's original locale: runs and learner records hang off it."""
        if self.alias_of_id:
            return self.alias_of.specific
        source = (
            CoursePage.objects.filter(translation_key=self.translation_key).order_by("pk").first()
        )
        return source or self


def teaching_staff_filter() -> models.Q:
    staff = Membership.objects.filter(role__in=["instructor", "editor"]).values("user_id")
    return models.Q(pk__in=staff)


class InstructorRole(models.TextChoices):
    """What a listed instructor does on the course, shown in the reader's language."""

    LEAD = "lead", _("Lead instructor")
    CO_INSTRUCTOR = "co_instructor", _("Co-instructor")
    ASSISTANT = "assistant", _("Teaching assistant")
    GUEST = "guest", _("Guest lecturer")


class CourseInstructor(Orderable):
    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="course_instructors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="taught_courses",
        # Offer teaching staff only: the editor's dropdown must not list learners' emails.
        limit_choices_to=teaching_staff_filter,
    )
    role = models.CharField(_("role"), max_length=20, choices=InstructorRole.choices, blank=True)

    panels = [FieldPanel("user"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="course_instructor_unique")
        ]


class ModulePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]
    base_form_class = CoursePageAdminForm
    admin_default_ordering = "ord"  # lessons in course order, as for modules

    class Meta:
        verbose_name = _("module")


class LessonPage(Page):
    # The class, not an instance: Wagtail builds it on first use, after every app registered
    # its lesson blocks (`courses.blocks.lesson_block_register`).
    body = StreamField(LessonBodyBlock, verbose_name=_("lesson content"))
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=20)
    is_required = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("Optional lessons do not count towards course completion."),
    )

    search_fields = [*Page.search_fields, index.SearchField("body")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        FieldPanel("estimated_minutes"),
        FieldPanel("is_required"),
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []
    base_form_class = CoursePageAdminForm

    class Meta:
        verbose_name = _("lesson")

    def full_clean(self, *args, **kwargs):
        self._persist_block_ids()
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self._persist_block_ids()
        super().save(*args, **kwargs)

    def _persist_block_ids(self) -> None:
        # Quiz answers are checked against question and option ids, so those ids must be
        # stored with the page, not invented anew on every load (Wagtail does that for list
        # items saved without ids). Binding every block gives each item an id, which the
        # stored JSON and revisions then keep.
        for _block in self.body:
            pass

    def quiz_blocks(self) -> list:
        return [block for block in self.body if block.block_type == "quiz"]


class ProgramIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.ProgramPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("program index")


class ProgramPage(Page):
    """A joint curriculum co-owned by partner universities; the lead issues its credential."""

    lead_university = models.ForeignKey(
        "universities.University",
        on_delete=models.PROTECT,
        related_name="led_programs",
        verbose_name=_("lead university"),
    )
    partner_universities = ParentalManyToManyField(
        "universities.University",
        related_name="partner_programs",
        verbose_name=_("partner universities"),
    )
    summary = models.CharField(_("summary"), max_length=300)
    description = RichTextField(_("description"), blank=True)
    outcomes = StreamField(
        [("outcome", OutcomeBlock())], blank=True, verbose_name=_("learning outcomes")
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("lead_university"),
        FieldPanel("partner_universities"),
        FieldPanel("outcomes"),
        InlinePanel("program_courses", label=_("Courses")),
    ]
    parent_page_types = ["courses.ProgramIndexPage"]
    subpage_types = []
    base_form_class = CoursePageAdminForm

    class Meta:
        verbose_name = _("program")

    @property
    def total_credits(self) -> Decimal:
        return sum((item.course.ects_credits for item in self.program_courses.all()), Decimal("0"))


class ProgramCourse(Orderable):
    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="program_courses")
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="+")
    is_required = models.BooleanField(_("required"), default=True)

    panels = [FieldPanel("course"), FieldPanel("is_required")]


class CourseRun(models.Model):
    """One offering of a course: a term with dates, an enrollment window and a capacity.

    Runs hang off the course page in its original locale, so every translation of the course
    shares the same runs and learners.
    """

    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="runs")
    # The term is a season and a year, named in each reader's language (courses/terms.py).
    season = models.CharField(_("season"), max_length=10, choices=Season.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    enrollment_opens_at = models.DateTimeField(_("enrollment opens"))
    enrollment_closes_at = models.DateTimeField(_("enrollment closes"))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("course"),
        FieldPanel("season"),
        FieldPanel("year"),
        FieldPanel("starts_on"),
        FieldPanel("ends_on"),
        FieldPanel("enrollment_opens_at"),
        FieldPanel("enrollment_closes_at"),
        FieldPanel("capacity"),
    ]

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("course run")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="run_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(enrollment_closes_at__gt=models.F("enrollment_opens_at")),
                name="run_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.title} · {self.term}"

    @property
    def term(self) -> str:
        """The term in the active language: "Autumn 2026", "Осень 2026", "2026年秋季"."""
        return term_name(self.season, self.year)

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A run cannot end before it starts.")})
        if (
            self.enrollment_opens_at
            and self.enrollment_closes_at
            and self.enrollment_closes_at <= self.enrollment_opens_at
        ):
            raise ValidationError(
                {"enrollment_closes_at": _("Enrollment must close after it opens.")}
            )

    def is_open_for_enrollment(self, at=None) -> bool:
        at = at or timezone.now()
        return self.enrollment_opens_at <= at < self.enrollment_closes_at
