"""Two-factor authentication for staff.

allauth's MFA app gives users TOTP and recovery codes, and asks for the code at login once a
user has activated it. This middleware makes it mandatory for anyone entering the Wagtail
admin when `ILM_REQUIRE_STAFF_MFA` is on (production's default): until they activate it,
admin requests are redirected to the activation page.
"""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


def user_has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.ILM_REQUIRE_STAFF_MFA
            and request.path.startswith("/admin/")
            and request.user.is_authenticated
            and not user_has_mfa(request.user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
