"""The registrars' page for forwarding statements to their university's own LRS (ADR 0057).

A registrar (or platform staff) configures the receiving LRS and sees, per LRS, how many
statements are pending, sent and failing, with the latest errors. Gates are in `access`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .access import (
    external_lrs_for_registrar,
    one_external_lrs_for_registrar,
    university_for_registrar,
)
from .forwarding import forwarding_status

_FIELDS = ("name", "endpoint", "key", "secret", "xapi_version", "verb_iris", "activity_prefixes")


@login_required
def forwarding_page(request, code: str):
    university = university_for_registrar(request.user, code)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if request.POST.get("action") == "deactivate":
            lrs = one_external_lrs_for_registrar(request.user, university, request.POST.get("lrs"))
            services.external_lrs_deactivate(lrs=lrs)
            messages.success(request, _("Forwarding to this LRS was stopped."))
            return redirect("xapi:forwarding", code=university.code)
        values = {field: request.POST.get(field, "") for field in _FIELDS}
        if not values["secret"] or len(values["secret"]) > 500:
            errors["secret"] = [_("Give the secret of at most 500 characters.")]
        else:
            try:
                services.external_lrs_create(university=university, **values)
            except ValidationError as error:
                errors = error.message_dict
            else:
                messages.success(request, _("Statements will be forwarded to this LRS."))
                return redirect("xapi:forwarding", code=university.code)
    configured = external_lrs_for_registrar(request.user, university)
    return render(
        request,
        "xapi/forwarding.html",
        {
            "university": university,
            "rows": forwarding_status(configured),
            "errors": errors,
            "values": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )
