"""The account's own pages that allauth does not provide."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .data_saver import data_saver_cookie_set
from .services import user_data_saver_set


@require_http_methods(["GET", "POST"])
def data_saver(request: HttpRequest) -> HttpResponse:
    """Show the data saver setting; a POST with `on` = 1 or 0 sets it and goes `next`."""
    if request.method == "GET":
        return render(request, "accounts/data_saver.html")
    on = request.POST.get("on") == "1"
    if request.user.is_authenticated:
        user_data_saver_set(user=request.user, on=on)
    if on:
        messages.success(request, _("The data saver is on: images load only when you tap them."))
    else:
        messages.success(request, _("The data saver is off: images load with the page."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("accounts:data_saver")
    response = redirect(target)
    data_saver_cookie_set(response, on=on)
    return response
