from django import forms
from django.utils.translation import gettext_lazy as _

from learning.models import Enrollment

from .enrollment_csv import MAX_BYTES
from .learners import ACTIVITY_FILTERS, INACTIVE_DAYS, PROGRESS_BANDS, SORTS, LearnerQuery


class BulkEnrollmentForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file with columns email, student_number"),
        max_length=255,
        help_text=_("UTF-8 or UTF-16. Every line is checked before anything is imported."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large. Split it into smaller files."))
        return upload


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea, max_length=10_000)


class CourseCopyForm(forms.Form):
    title = forms.CharField(label=_("Title of the new course"), max_length=255)
    slug = forms.SlugField(label=_("Slug"), max_length=255)


class LearnerFilterForm(forms.Form):
    """The learner list's and gradebook's search, filters and sort, read from the query
    string. A bad value is reported and ignored (its default applies); the rest still apply."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Search for at most %(limit_value)d characters.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not an enrollment status.")},
    )
    progress = forms.ChoiceField(
        label=_("Progress"),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a progress filter.")},
    )
    activity = forms.ChoiceField(
        label=_("Last activity"),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not an activity filter.")},
    )
    days = forms.IntegerField(
        label=_("Inactive after (days)"),
        required=False,
        min_value=1,
        max_value=365,
        error_messages={
            "invalid": _("The number of days must be a whole number from 1 to 365."),
            "min_value": _("The number of days must be a whole number from 1 to 365."),
            "max_value": _("The number of days must be a whole number from 1 to 365."),
        },
        widget=forms.NumberInput(attrs={"min": 1, "max": 365}),
    )
    university = forms.TypedChoiceField(
        label=_("Home university"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _("“%(value)s” is not the home university of any learner here.")
        },
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a sort order; sorted by name.")},
    )

    def __init__(self, data, *, universities):
        super().__init__(data)
        anything = [("", _("any"))]
        self.fields["status"].choices = anything + list(Enrollment.Status.choices)
        self.fields["progress"].choices = anything + list(PROGRESS_BANDS.items())
        self.fields["activity"].choices = anything + list(ACTIVITY_FILTERS.items())
        self.fields["university"].choices = anything + [(u.pk, str(u)) for u in universities]
        self.fields["sort"].choices = [(key, label) for key, (label, _order) in SORTS.items()]

    def learner_query(self):
        """The valid part of what was asked, as a `LearnerQuery` (defaults for the rest)."""
        self.is_valid()
        data = self.cleaned_data
        return LearnerQuery(
            search=data.get("q") or "",
            status=data.get("status") or "",
            progress=data.get("progress") or "",
            activity=data.get("activity") or "",
            university_id=data.get("university"),
            inactive_days=data.get("days") or INACTIVE_DAYS,
            sort=data.get("sort") or "name",
        )
