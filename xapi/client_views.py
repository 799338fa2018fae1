"""The registrars' HTML pages for LRS client credentials (not part of the xAPI protocol).

A registrar creates Basic-auth credentials for the tools of their university and deactivates
them; the gates are in `access`, the writes in `services.clients`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .access import lrs_client_for_registrar, lrs_clients_for_registrar, university_for_registrar


@login_required
def client_list(request, code: str):
    """Registrars see their university's LRS clients and create new credentials."""
    university = university_for_registrar(request.user, code)
    new_credentials = None
    if request.method == "POST":
        action = request.POST.get("action", "create")
        if action == "deactivate":
            client = lrs_client_for_registrar(request.user, university, request.POST.get("client"))
            services.lrs_client_deactivate(client=client)
            messages.success(request, _("The client was deactivated."))
            return redirect("xapi:clients", code=university.code)
        name = request.POST.get("name", "").strip()
        if not name or len(name) > 200:
            messages.error(request, _("Give the client a name of at most 200 characters."))
        else:
            new_credentials = services.lrs_client_create(
                university=university, name=name, created_by=request.user
            )
    clients = lrs_clients_for_registrar(request.user, university).order_by("-created_at")
    return render(
        request,
        "xapi/client_list.html",
        {
            "university": university,
            "clients": clients,
            "new_credentials": new_credentials,
            "endpoint": request.build_absolute_uri("/xapi/"),
        },
    )
