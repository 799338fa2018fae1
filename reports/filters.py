"""Report filters: parsed and validated once, whatever the channel (page, API, schedule).

Bad input is refused with a message a person can read; it is never silently ignored, so a
registrar never mistakes an unfiltered report for a filtered one.
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from courses.terms import term_parse
from learning.models import Enrollment

FILTER_KEYS = ("term", "course", "program", "status", "enrolled_from", "enrolled_to")


class ReportFilterError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in self.errors.items())


class ReportFilterForm(forms.Form):
    term = forms.CharField(label=gettext_lazy("Term"), max_length=100, required=False)
    course = forms.IntegerField(label=gettext_lazy("Course id"), min_value=1, required=False)
    program = forms.IntegerField(label=gettext_lazy("Program id"), min_value=1, required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", "—"), *Enrollment.Status.choices],
        required=False,
    )
    enrolled_from = forms.DateField(label=gettext_lazy("Enrolled from"), required=False)
    enrolled_to = forms.DateField(label=gettext_lazy("Enrolled until"), required=False)

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
            if value and not date(2000, 1, 1) <= value <= date(2100, 1, 1):
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


def parse_report_filters(data) -> ReportFilters:
    """Validate a mapping of filter values (a QueryDict, a dict from JSON) into filters.

    Unknown keys are ignored by design (the same query string carries format and paging),
    but every known key must hold a valid value or `ReportFilterError` is raised.
    """
    values = {key: data.get(key, "") for key in FILTER_KEYS}
    values = {key: ("" if value is None else value) for key, value in values.items()}
    form = ReportFilterForm(data=values)
    if not form.is_valid():
        raise ReportFilterError({key: list(msgs) for key, msgs in form.errors.items()})
    return ReportFilters(**{key: form.cleaned_data[key] for key in FILTER_KEYS})
