"""The export form on the registrar's dashboard: which report, which format, which filters.

The filters are `ReportFilterForm`'s, so the page, the API, jobs and schedules validate them
alike; this form adds the choice of report and file and says what each report holds.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .filters import ReportFilterForm, ReportFilters, filters_from_form
from .models import ReportFormat, ReportKind

FILTER_ORDER = ("course", "program", "term", "status", "enrolled_from", "enrolled_to", "sort")

KIND_DESCRIPTIONS = {
    ReportKind.ENROLLMENTS: _(
        "One row per learner in each course run: home university, course, progress, "
        "completion, credits and certificate."
    ),
    ReportKind.COURSE_SUMMARY: _(
        "One row per course: learners enrolled, active in the last 30 days and completed, "
        "with the completion rate and median progress."
    ),
    ReportKind.PROGRAM_SUMMARY: _(
        "One row per program: learners, their course enrollments and completions, programs "
        "completed and credits earned."
    ),
}


class ExportForm(ReportFilterForm):
    kind = forms.ChoiceField(
        label=_("Report"),
        choices=ReportKind.choices,
        initial=ReportKind.ENROLLMENTS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Unknown report: choose enrollments or a summary."),
            "invalid_choice": _("Unknown report: choose enrollments or a summary."),
        },
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=ReportFormat.choices,
        initial=ReportFormat.CSV,
        error_messages={
            "required": _("Unknown format: choose csv or xlsx."),
            "invalid_choice": _("Unknown format: choose csv or xlsx."),
        },
    )
    bom = forms.BooleanField(
        label=_("Add a byte-order mark (for Excel with Cyrillic or Chinese text)"),
        required=False,
    )

    def kind_options(self) -> list[tuple]:
        """Each report's radio button with the sentence that describes it."""
        return [(radio, KIND_DESCRIPTIONS[radio.data["value"]]) for radio in self["kind"]]

    def filter_fields(self) -> list:
        """The bound filter fields, in the order the page shows them."""
        return [self[key] for key in FILTER_ORDER]

    def filters(self) -> ReportFilters:
        return filters_from_form(self)
