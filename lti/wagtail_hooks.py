"""Platform staff register a partner LMS by hand: one admin screen, platform only, showing the
values to paste into the LMS."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from universities.access import is_platform_staff

from .models import PlatformRegistration, ScoreDelivery

VALUES_TO_PASTE = _(
    "<p>Values to paste into the LMS (replace ILM with this site's address):</p><ul>"
    "<li>Tool URL / target link URI: <code>ILM/lti/launch/</code></li>"
    "<li>Initiate login URL: <code>ILM/lti/login/</code></li>"
    "<li>Redirection URI: <code>ILM/lti/launch/</code></li>"
    "<li>Public keyset URL: <code>ILM/lti/jwks.json</code></li>"
    "<li>Dynamic registration URL: <code>ILM/lti/register/</code></li></ul>"
)


class PlatformStaffOnlyPolicy(ModelPermissionPolicy):
    """Which LMS Ilm trusts is the platform's business, not a university's."""

    def user_has_permission(self, user, action):
        return is_platform_staff(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return is_platform_staff(user)


register_permission_policy(PlatformRegistration, PlatformStaffOnlyPolicy(PlatformRegistration))


class PlatformRegistrationViewSet(ModelViewSet):
    model = PlatformRegistration
    icon = "link"
    menu_label = _("LTI platforms")
    add_to_admin_menu = True
    menu_order = 920
    list_display = ["__str__", "university", "issuer", "client_id", "is_active"]
    search_fields = ["name", "issuer", "client_id"]
    panels = [
        HelpPanel(content=VALUES_TO_PASTE),
        FieldPanel("university"),
        FieldPanel("name"),
        FieldPanel("issuer"),
        FieldPanel("client_id"),
        FieldPanel("auth_url"),
        FieldPanel("token_url"),
        FieldPanel("keyset_url"),
        FieldPanel("deployment_ids"),
        FieldPanel("courses"),
        FieldPanel("is_active"),
    ]

    @property
    def permission_policy(self):
        return PlatformStaffOnlyPolicy(PlatformRegistration)


@hooks.register("register_admin_viewset")
def register_viewset():
    return PlatformRegistrationViewSet("lti_platforms")


register_permission_policy(ScoreDelivery, PlatformStaffOnlyPolicy(ScoreDelivery))


class ScoreDeliveryViewSet(ModelViewSet):
    """The status list of scores sent to partner LMSs: refused and failed ones stand out."""

    model = ScoreDelivery
    icon = "list-ul"
    menu_label = _("LTI scores")
    add_to_admin_menu = True
    menu_order = 921
    list_display = ["label", "status", "attempts", "last_error", "created_at"]
    list_filter = ["status"]
    form_fields = ["status"]
    inspect_view_enabled = True

    @property
    def permission_policy(self):
        return PlatformStaffOnlyPolicy(ScoreDelivery)


@hooks.register("register_admin_viewset")
def register_scores_viewset():
    return ScoreDeliveryViewSet("lti_scores")
