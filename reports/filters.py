"""Report filters: parsed and validated once, whatever the channel (page, API, schedule).

Bad input is refused with a message a person can read; it is never silently ignored, so a
registrar never mistakes an unfiltered report for a filtered one.
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.models import CoursePage
from courses.terms import term_parse
from learning.models import Enrollment

from .access import (
    ReportScope,
    report_course_in_scope,
    report_courses_for_scope,
    report_program_in_scope,
    report_programs_for_scope,
)
from .rows import SORT_ORDERS

# The keys the API reads (unchanged since v1); pages, jobs and schedules also carry a sort.
API_FILTER_KEYS = ("term", "course", "program", "status", "enrolled_from", "enrolled_to")
FILTER_KEYS = (*API_FILTER_KEYS, "sort")
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 1, 1)


class ReportFilterError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in self.errors.items())


class PickerField(forms.ChoiceField):
    """A `<select>` of the scope's courses or programs, submitted as a page id.

    The rendered choices are for people; the id is checked by the form against the gate
    (`report_course_in_scope`), not against the choices, so an API caller may still pass the
    id of any translation of a course. A malformed, unknown or foreign id get one message.
    """

    def __init__(self, *, unknown: str, **kwargs):
        super().__init__(required=False, **kwargs)
        self.error_messages["invalid_choice"] = unknown

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        # ASCII only: "²".isdigit() is true, yet int("²") fails.
        if not (value.isascii() and value.isdigit()) or len(value) > 12 or int(value) < 1:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="unknown")
        return int(value)

    def validate(self, value):
        """Membership is the gate's question (the form's `clean_<field>`)."""


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(
            attrs={"type": "date", "min": EARLIEST.isoformat(), "max": LATEST.isoformat()},
            format="%Y-%m-%d",
        ),
        help_text=gettext_lazy("YYYY-MM-DD, e.g. 2026-09-01"),
        error_messages={
            "invalid": gettext_lazy("Enter the date as YYYY-MM-DD, for example 2026-09-01.")
        },
    )


def course_choices(scope: ReportScope) -> list[tuple[int, str]]:
    """The course picker's options: each course in scope by its title in the active
    language, with its owning university (two queries)."""
    courses = list(report_courses_for_scope(scope))
    localized = dict(
        CoursePage.objects.filter(
            translation_key__in=[c.translation_key for c in courses],
            locale__language_code=get_language(),
        ).values_list("translation_key", "title")
    )
    return [
        (
            course.pk,
            f"{localized.get(course.translation_key, course.title)} "
            f"({course.university.localized_name()})",
        )
        for course in courses
    ]


def program_choices(scope: ReportScope) -> list[tuple[int, str]]:
    return [
        (program.pk, f"{program.title} ({program.lead_university.localized_name()})")
        for program in report_programs_for_scope(scope)
    ]


def _with_blank(blank: str, choices, scope) -> list:
    return [("", blank), *choices(scope)]


class ReportFilterForm(forms.Form):
    """The report filters. With a `scope`, the course and program pickers list that scope's
    courses and programs only, and a submitted id outside it is refused."""

    course = PickerField(
        label=gettext_lazy("Course"),
        unknown=gettext_lazy(
            "Choose a course from the list: this one is unknown or outside your reports."
        ),
    )
    program = PickerField(
        label=gettext_lazy("Program"),
        unknown=gettext_lazy(
            "Choose a program from the list: this one is unknown or outside your reports."
        ),
    )
    term = forms.CharField(
        label=gettext_lazy("Term"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("As written on the course run, e.g. Spring 2026"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Any status")), *Enrollment.Status.choices],
        required=False,
    )
    enrolled_from = _date_field(gettext_lazy("Enrolled from"))
    enrolled_to = _date_field(gettext_lazy("Enrolled until"))
    sort = forms.ChoiceField(
        label=gettext_lazy("Order of rows"),
        choices=[(key, label) for key, (label, _order) in SORT_ORDERS.items()],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Unknown order: choose one from the list.")},
    )

    def __init__(self, *args, scope: ReportScope | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        if scope is not None:
            # Callables: the pickers' queries run only when the form is rendered, not when an
            # API request is validated.
            self.fields["course"].choices = partial(
                _with_blank, _("All courses"), course_choices, scope
            )
            self.fields["program"].choices = partial(
                _with_blank, _("All programs"), program_choices, scope
            )

    def clean_course(self):
        course = self.cleaned_data["course"]
        if course and self.scope is not None and not report_course_in_scope(self.scope, course):
            raise forms.ValidationError(self.fields["course"].error_messages["invalid_choice"])
        return course

    def clean_program(self):
        program = self.cleaned_data["program"]
        if program and self.scope is not None and not report_program_in_scope(self.scope, program):
            raise forms.ValidationError(self.fields["program"].error_messages["invalid_choice"])
        return program

    def clean_term(self):
        term = self.cleaned_data["term"].strip()
        if any(ord(ch) < 32 for ch in term):
            raise forms.ValidationError(_("The term contains control characters."))
        if term and term_parse(term) is None:
            raise forms.ValidationError(
                _("Give the term as a season and a year, for example “Spring 2026”.")
            )
        return term

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("enrolled_from"), cleaned.get("enrolled_to")
        if start and end and start > end:
            raise forms.ValidationError(
                {"enrolled_to": _("The end date is before the start date.")}
            )
        for key in ("enrolled_from", "enrolled_to"):
            value = cleaned.get(key)
            if value and not EARLIEST <= value <= LATEST:
                self.add_error(key, _("The date is out of range."))
        return cleaned


@dataclass(frozen=True)
class ReportFilters:
    term: str = ""
    course: int | None = None
    program: int | None = None
    status: str = ""
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    sort: str = ""

    def as_json(self) -> dict:
        """Only the filters that are set, JSON-ready (for jobs, schedules and the audit log)."""
        data = {}
        for key, value in asdict(self).items():
            if value in (None, ""):
                continue
            data[key] = value.isoformat() if isinstance(value, date) else value
        return data

    def _term_filter(self) -> Q:
        if not self.term:
            return Q()
        # Named in any of our languages, or as "autumn-2026"; the form refused anything else.
        season, year = term_parse(self.term) or ("", 0)
        return Q(run__season=season, run__year=year)

    def enrollment_filter(self) -> Q:
        q = self._term_filter()
        if self.course:
            # Any translation's id finds the course: runs hang off the source-locale page.
            q &= Q(run__course__translation_key__in=_translation_keys(self.course))
        if self.program:
            q &= Q(program_enrollment__program_id=self.program)
        if self.status:
            q &= Q(status=self.status)
        if self.enrolled_from:
            q &= Q(enrolled_at__gte=_day_start(self.enrolled_from))
        if self.enrolled_to:
            q &= Q(enrolled_at__lt=_day_start(self.enrolled_to + timedelta(days=1)))
        return q

    def erased_enrollment_filter(self) -> Q:
        """The same filters over `ErasedEnrollment`, which keeps the day enrolled and the
        program directly (an erased learner's enrollment rows are gone)."""
        q = self._term_filter()
        if self.course:
            q &= Q(run__course__translation_key__in=_translation_keys(self.course))
        if self.program:
            q &= Q(program_id=self.program)
        if self.status:
            q &= Q(status=self.status)
        if self.enrolled_from:
            q &= Q(enrolled_on__gte=self.enrolled_from)
        if self.enrolled_to:
            q &= Q(enrolled_on__lte=self.enrolled_to)
        return q


def _translation_keys(page_id: int):
    return Page.objects.filter(pk=page_id).values("translation_key")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def filters_from_form(form: ReportFilterForm) -> ReportFilters:
    """The filters of a valid form."""
    return ReportFilters(**{key: form.cleaned_data[key] for key in FILTER_KEYS})


def parse_report_filters(
    data, *, scope: ReportScope | None = None, keys: tuple[str, ...] = FILTER_KEYS
) -> ReportFilters:
    """Validate a mapping of filter values (a QueryDict, a dict from JSON) into filters.

    Unknown keys are ignored by design (the same query string carries format and paging),
    but every one of `keys` must hold a valid value or `ReportFilterError` is raised. With a
    `scope`, a course or program outside it is refused (a request); without, it is only
    checked to be an id (a job or schedule, whose filters were checked when requested).
    """
    values = {key: data.get(key, "") if key in keys else "" for key in FILTER_KEYS}
    # A mapping from JSON may hold numbers, booleans or lists: each field judges their text.
    values = {key: ("" if value is None else str(value)) for key, value in values.items()}
    form = ReportFilterForm(data=values, scope=scope)
    if not form.is_valid():
        raise ReportFilterError({key: list(msgs) for key, msgs in form.errors.items()})
    return filters_from_form(form)
