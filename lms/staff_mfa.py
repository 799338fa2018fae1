"""A verified second factor on every staff door, not only the admin's.

With `ILM_REQUIRE_STAFF_MFA` on (production's default), a person who holds a staff role
(instructor, editor, registrar, or platform staff) and has not activated TOTP is sent to
activate it before any staff door opens: the Wagtail admin and every page whose
view name `STAFF_DOORS` lists, which are the pages that show learners' personal data or hand
out credentials (rosters and their CSVs, reports and exports, API tokens, LRS credentials, the
LRS's forwarding and retention period, certificate management). allauth asks a person who has
TOTP for a code at every login, so having it means the session passed it.

Learners are never asked: a door's own gate refuses them. The reports API and the LRS are not
doors: the tokens and credentials they take are their second factor, and those are made only
behind a door. `tests/test_staff_mfa.py` checks every staff-only row of the access matrix, so
a new staff page outside these names fails the suite.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts.mfa import user_has_mfa
from universities.access import is_platform_staff, reach
from universities.models import Role

# View-name prefixes ("namespace:" for a whole app's pages, or one "namespace:name").
STAFF_DOORS = (
    "teaching:",
    "reports_site:",
    "xapi:clients",
    "xapi:forwarding",  # and its actions: xapi:forwarding_retry, _reactivate, _backfill
    "xapi:retention",
    "certificates:manage",
    "certificates:settings",
    "lti:register",
    "lti:roster",
)
STAFF_ROLES = (Role.INSTRUCTOR, Role.EDITOR, Role.REGISTRAR)


def is_staff_door(request) -> bool:
    if request.path.startswith("/admin/"):
        return True
    match = request.resolver_match
    return match is not None and match.view_name.startswith(STAFF_DOORS)


def holds_a_staff_role(user) -> bool:
    return is_platform_staff(user) or bool(reach(user, *STAFF_ROLES))


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.ILM_REQUIRE_STAFF_MFA or not request.user.is_authenticated:
            return None
        if not is_staff_door(request) or not holds_a_staff_role(request.user):
            return None
        if user_has_mfa(request.user):
            return None
        return redirect(reverse("mfa_activate_totp"))
