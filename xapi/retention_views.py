"""The registrars' page for their university's statement retention period (ADR 0060).

It shows the university's own period, the platform's and the one in force, and sets the
university's through `services.statement_retention_set`. The gate is `access`'s.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import services
from .access import university_for_registrar
from .forms import KEEP_DAYS, KEEP_FOREVER, RetentionPeriodForm
from .selectors import statement_retention_of


@login_required
def retention_page(request, code: str):
    university = university_for_registrar(request.user, code)
    retention = statement_retention_of(university)
    if request.method == "POST":
        form = RetentionPeriodForm(request.POST)
        if form.is_valid():
            days = form.period()
            services.statement_retention_set(university=university, days=days)
            if days is None:
                messages.success(request, _("Your university's statements are kept forever."))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Statements older than %(days)d day will be deleted.",
                        "Statements older than %(days)d days will be deleted.",
                        days,
                    )
                    % {"days": days},
                )
            return redirect("xapi:retention", code=university.code)
    else:
        form = RetentionPeriodForm(
            initial={
                "keep": KEEP_DAYS if retention.university_days else KEEP_FOREVER,
                "days": retention.university_days,
            }
        )
    return render(
        request,
        "xapi/retention.html",
        {"university": university, "retention": retention, "form": form},
        status=400 if form.errors else 200,
    )
