"""The audit log in the Wagtail admin: listed and inspected, never added, edited or deleted."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from universities.access import is_platform_staff

from .access import audit_event_for, audit_events_visible_to
from .models import AuditEvent


class AuditReadOnlyPolicy(ModelPermissionPolicy):
    """Only "view" exists, for superusers and holders of `audit.view_auditevent`."""

    def user_has_permission(self, user, action):
        if action != "view" or not user.is_active:
            return False
        return is_platform_staff(user) or user.has_perm("audit.view_auditevent")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and audit_events_visible_to(user).filter(pk=instance.pk).exists()
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)


register_permission_policy(AuditEvent, AuditReadOnlyPolicy(AuditEvent))


class AuditIndexView(IndexView):
    def get_base_queryset(self):
        return audit_events_visible_to(self.request.user).select_related("university")


class AuditInspectView(InspectView):
    def get_object(self, queryset=None):
        return audit_event_for(self.request.user, self.pk)


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 900
    add_to_admin_menu = True
    index_view_class = AuditIndexView
    inspect_view_class = AuditInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["occurred_at", "actor_email", "action", "university", "summary"]
    list_filter = ["action", "university"]
    search_fields = ["actor_email", "action", "summary", "target_id"]
    inspect_view_fields = [
        "occurred_at",
        "actor_email",
        "action",
        "university",
        "target_type",
        "target_id",
        "summary",
        "details",
    ]

    def get_urlpatterns(self):
        # No add, edit, delete, copy, history or usage views: the log is append-only and the
        # only way in is reading.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
        ]


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEventViewSet("audit_events")
