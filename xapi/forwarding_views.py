"""The registrars' page for forwarding statements to their university's own LRS (ADR 0057).

A registrar (or platform staff) configures the receiving LRS and sees, per LRS, how many
statements are pending, sent and failing, with the latest errors and back-fill. Each LRS
also has POST-only actions of its own (retry now, reactivate, back-fill), each gated by
`one_external_lrs_for_registrar`, so another university's LRS is 404. Gates are in `access`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import services
from .access import (
    external_lrs_for_registrar,
    one_external_lrs_for_registrar,
    university_for_registrar,
)
from .forms import ForwardingBackfillForm
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
    return _status_page(request, university, errors=errors, values=request.POST if errors else {})


def _status_page(request, university, *, errors=None, values=None, refusal=None, refused_lrs=None):
    """The status page; `refusal` (messages) is shown at the LRS `refused_lrs` an action was
    refused for, `errors` at the form that adds an LRS."""
    configured = external_lrs_for_registrar(request.user, university)
    return render(
        request,
        "xapi/forwarding.html",
        {
            "university": university,
            "rows": forwarding_status(configured),
            "errors": errors or {},
            "values": values or {},
            "refusal": refusal or [],
            "refused_lrs": refused_lrs.pk if refused_lrs else None,
            "since_value": request.POST.get("since", "") if refused_lrs else "",
        },
        status=400 if errors or refusal else 200,
    )


@login_required
@require_POST
def forwarding_retry(request, code: str, lrs_id: int):
    """Send the LRS's failing and failed deliveries again now."""
    university = university_for_registrar(request.user, code)
    lrs = one_external_lrs_for_registrar(request.user, university, lrs_id)
    retried = services.forwards_retry(lrs=lrs)
    if retried:
        messages.success(
            request,
            ngettext(
                "%(count)d statement will be sent again now.",
                "%(count)d statements will be sent again now.",
                retried,
            )
            % {"count": retried},
        )
    else:
        messages.info(request, _("No delivery to this LRS was failing."))
    return redirect("xapi:forwarding", code=university.code)


@login_required
@require_POST
def forwarding_reactivate(request, code: str, lrs_id: int):
    """Forward to a stopped LRS again."""
    university = university_for_registrar(request.user, code)
    lrs = one_external_lrs_for_registrar(request.user, university, lrs_id)
    try:
        services.external_lrs_reactivate(lrs=lrs)
    except ValidationError as error:
        return _status_page(request, university, refusal=error.messages, refused_lrs=lrs)
    messages.success(
        request,
        _(
            "Forwarding to this LRS goes on. Statements stored while it was stopped were not "
            "queued: send older statements to have them forwarded too."
        ),
    )
    return redirect("xapi:forwarding", code=university.code)


@login_required
@require_POST
def forwarding_backfill(request, code: str, lrs_id: int):
    """Queue the statements stored before the LRS queued them (optionally since a date)."""
    university = university_for_registrar(request.user, code)
    lrs = one_external_lrs_for_registrar(request.user, university, lrs_id)
    form = ForwardingBackfillForm(request.POST)
    if not form.is_valid():
        refusal = [message for messages_ in form.errors.values() for message in messages_]
        return _status_page(request, university, refusal=refusal, refused_lrs=lrs)
    try:
        _backfill, created = services.forwarding_backfill_request(
            lrs=lrs, since=form.since_moment(), requested_by=request.user
        )
    except ValidationError as error:
        return _status_page(request, university, refusal=error.messages, refused_lrs=lrs)
    if created:
        messages.success(
            request,
            _("Older statements are being queued; this page shows how far it has got."),
        )
    else:
        messages.info(request, _("Older statements are already being queued for this LRS."))
    return redirect("xapi:forwarding", code=university.code)
