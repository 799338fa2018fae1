"""The admin screens for course runs, scoped to the editor's own universities.

Runs are plain models (not pages), so page permissions do not cover them; this permission
policy wraps their gates in `courses.access`: an editor of university U manages the runs of
U's courses, and platform staff manage all. Nobody else sees the menu item.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from universities.models import Role

from .access import courses_for_new_runs, may_manage_runs, runs_for_editor
from .models import CourseRun

User = get_user_model()


class CourseRunPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action) -> bool:
        return may_manage_runs(user)

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        editors = Q(memberships__role=Role.EDITOR)
        return User.objects.filter(is_active=True).filter(Q(is_superuser=True) | editors).distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        return runs_for_editor(user)

    def instances_user_has_permission_for(self, user, action) -> QuerySet:
        return self.instances_user_has_any_permission_for(user, [action])

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()

    def user_has_any_permission_for_instance(self, user, actions, instance) -> bool:
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)


class CourseRunForm(WagtailAdminModelForm):
    class Meta:
        model = CourseRun
        fields = [
            "course",
            "season",
            "year",
            "starts_on",
            "ends_on",
            "enrollment_opens_at",
            "enrollment_closes_at",
            "capacity",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only courses in their original locale carry runs, and only the editor's own.
        self.fields["course"].queryset = courses_for_new_runs(self.for_user).order_by("title")


def _runs_for(user) -> QuerySet:
    return CourseRunPermissionPolicy(CourseRun).instances_user_has_any_permission_for(
        user, ["change"]
    )


class _OwnRunOnly:
    """Edit, delete and inspect answer 404 for a run outside the user's universities."""

    def get_object(self, *args, **kwargs):
        run = super().get_object(*args, **kwargs)
        if not _runs_for(self.request.user).filter(pk=run.pk).exists():
            raise Http404
        return run


class CourseRunIndexView(generic.IndexView):
    def get_base_queryset(self):
        return _runs_for(self.request.user).select_related("course")


class CourseRunEditView(_OwnRunOnly, generic.EditView):
    pass


class CourseRunDeleteView(_OwnRunOnly, generic.DeleteView):
    pass


class CourseRunInspectView(_OwnRunOnly, generic.InspectView):
    pass


class CourseRunHistoryView(_OwnRunOnly, history.HistoryView):
    pass


class CourseRunUsageView(_OwnRunOnly, usage.UsageView):
    pass


class CourseRunViewSet(ModelViewSet):
    model = CourseRun
    icon = "date"
    menu_label = _("Course runs")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["course", "term", "starts_on", "ends_on", "enrollment_closes_at", "capacity"]
    list_filter = ["season", "year"]
    search_fields = ["course__title"]
    inspect_view_enabled = True
    index_view_class = CourseRunIndexView
    edit_view_class = CourseRunEditView
    delete_view_class = CourseRunDeleteView
    inspect_view_class = CourseRunInspectView
    history_view_class = CourseRunHistoryView
    usage_view_class = CourseRunUsageView
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return CourseRunForm


# Registered before the viewset, which then takes it from the registry.
register_permission_policy(CourseRun, CourseRunPermissionPolicy(CourseRun))
course_run_viewset = CourseRunViewSet("course_runs")
