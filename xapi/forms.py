"""The registrars' forms for the learning record store: the retention period and back-fill.

Whatever a browser (or someone typing a request by hand) sends, these answer with a message
the registrar can read, never an exception: numbers past any sensible range, digits of
other scripts spelling huge values, and dates outside what the store can hold are refused.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A hundred years: longer is "forever", and the limit keeps the value inside the column.
MAX_RETENTION_DAYS = 36500
EARLIEST_BACKFILL_DATE = dt.date(2000, 1, 1)

KEEP_FOREVER = "forever"
KEEP_DAYS = "days"


class RetentionPeriodForm(forms.Form):
    keep = forms.ChoiceField(
        label=_("How long to keep statements"),
        choices=[
            (KEEP_DAYS, _("Delete statements older than")),
            (KEEP_FOREVER, _("Keep statements forever")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a number of days or keep forever."),
            "invalid_choice": _("Choose a number of days or keep forever."),
        },
    )
    days = forms.IntegerField(
        label=_("days"),
        required=False,
        min_value=1,
        max_value=MAX_RETENTION_DAYS,
        error_messages={
            "invalid": _("Give the period as a whole number of days, such as 365."),
            "min_value": _("A retention period is at least one day."),
            "max_value": _(
                "A retention period is at most %(limit_value)s days; to keep statements "
                "longer, choose to keep them forever."
            ),
        },
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("keep") == KEEP_DAYS and cleaned.get("days") is None and not self.errors:
            self.add_error("days", _("Give the number of days to keep statements."))
        return cleaned

    def period(self) -> int | None:
        """The days to keep statements, or None to keep them forever (valid forms only)."""
        if self.cleaned_data["keep"] == KEEP_FOREVER:
            return None
        return self.cleaned_data["days"]


class ForwardingBackfillForm(forms.Form):
    since = forms.DateField(
        label=_("Only statements stored since (leave empty for all)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the date as year-month-day, such as 2026-09-01.")},
    )

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since is None:
            return None
        if since < EARLIEST_BACKFILL_DATE or since > timezone.localdate():
            raise forms.ValidationError(
                _("Give a date between %(earliest)s and today."),
                params={"earliest": EARLIEST_BACKFILL_DATE.isoformat()},
            )
        return since

    def since_moment(self) -> dt.datetime | None:
        """The start of the chosen day in the site's time zone (valid forms only)."""
        since = self.cleaned_data["since"]
        if since is None:
            return None
        return timezone.make_aware(dt.datetime.combine(since, dt.time.min))
