"""The registrar's certificate pages: the list of issued credentials, revoke and un-revoke.

HTTP only: `access.credential_for_registrar` decides who may touch a credential, the
services in `certificates.services` do the change (status bit, re-signed list, audit log).
A refused change renders a page that says why, with 400 (bad reason) or 409 (the credential
is already in the asked-for state), and writes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from universities.access import is_platform_staff

from . import access, services
from .models import Credential

PAGE_SIZE = 50
# Longer search text cannot match a name or title better; cap what reaches the query.
MAX_QUERY_CHARS = 200
# The reason is stored in `Credential.revocation_reason`: accept no more than it holds,
# rather than let the service cut it short without saying so.
MAX_REASON_CHARS = Credential._meta.get_field("revocation_reason").max_length


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=MAX_REASON_CHARS,
        strip=True,
        error_messages={"required": gettext_lazy("Give a reason; it goes to the audit log.")},
    )


@require_GET
def credential_list(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_manage_credentials(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    credentials = access.credentials_for_registrar(request.user).order_by("-issued_at", "pk")
    if query:
        credentials = credentials.filter(
            Q(recipient_name__icontains=query) | Q(achievement_name__icontains=query)
        )
    page_obj = Paginator(credentials, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/registrar_credentials.html",
        {
            "page_obj": page_obj,
            "credentials": page_obj.object_list,
            "query": query,
            "query_string": urlencode({"q": query}) if query else "",
            "max_reason": MAX_REASON_CHARS,
            "show_university": is_platform_staff(request.user),
            "failures": access.issuance_failures_for_registrar(request.user)[:PAGE_SIZE],
        },
    )


def _refuse(request, credential: Credential, message: str, status: int):
    return render(
        request,
        "certificates/registrar_refused.html",
        {"credential": credential, "message": message},
        status=status,
    )


def _change(request, credential_id, *, revoke: bool):
    if not request.user.is_authenticated:
        # Back to the list after login: this address only answers POST.
        return redirect_to_login(reverse("certificates:manage"))
    credential = access.credential_for_registrar(request.user, credential_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _refuse(request, credential, " ".join(form.errors["reason"]), 400)
    change = services.credential_revoke if revoke else services.credential_unrevoke
    try:
        change(credential=credential, reason=form.cleaned_data["reason"], actor=request.user)
    except services.CertificateError as error:
        return _refuse(request, credential, str(error), 409 if error.code == "unchanged" else 400)
    if revoke:
        message = _("Revoked: %(name)s · %(achievement)s.")
    else:
        message = _("Revocation undone: %(name)s · %(achievement)s.")
    messages.success(
        request,
        message % {"name": credential.recipient_name, "achievement": credential.achievement_name},
    )
    return redirect("certificates:manage")


@csrf_protect
@require_POST
def credential_revoke(request, credential_id):
    return _change(request, credential_id, revoke=True)


@csrf_protect
@require_POST
def credential_unrevoke(request, credential_id):
    return _change(request, credential_id, revoke=False)
