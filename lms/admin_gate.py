"""Signed-in people without admin rights who open /admin/ get a page saying where to go.

Wagtail sends such a person to its login URL, which is allauth's; allauth sends a signed-in
person straight back to `next` (/admin/): the browser loops until it gives up (issue 13).
This middleware answers 403 with a translated page listing the sections the person may use.
Anonymous people still go to log in; people with admin access are untouched.
"""

from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse

from .navigation import staff_sections

# Admin URLs Wagtail itself serves to everyone: its login and password-reset pages, the icon
# sprite and the JavaScript catalogue. Only the pages behind `access_admin` get the refusal.
OPEN_ADMIN_VIEWS = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
    }
)


def _is_open_admin_view(path: str) -> bool:
    try:
        return resolve(path).url_name in OPEN_ADMIN_VIEWS
    except Resolver404:
        return False


class AdminRefusalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_root = reverse("wagtailadmin_home")
        user = getattr(request, "user", None)
        if (
            request.path.startswith(admin_root)
            and user is not None
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
            and not _is_open_admin_view(request.path_info)
        ):
            response = TemplateResponse(
                request,
                "lms/admin_refused.html",
                {"sections": staff_sections(user)},
                status=403,
            )
            return response.render()
        return self.get_response(request)
