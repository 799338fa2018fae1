"""Wagtail admin pages answered ahead of Wagtail's own, where Wagtail names pages of any
university before (or without) checking the viewer's rights on them.

Mounted in `lms.urls` ahead of the admin, at Wagtail's own paths: Wagtail's URL names and menu
links keep working and reach these views.
"""

from functools import wraps

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from wagtail.admin.auth import permission_denied, require_admin_access
from wagtail.admin.views import chooser, workflows
from wagtail.admin.views.bulk_action.dispatcher import index as wagtail_bulk_action
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.viewsets.pages import page_viewset_registry
from wagtail.models import Page

from .access import is_platform_staff
from .wagtail_hooks import pages_visible_in_admin


class PlatformPageTypesUsageView(PageTypesUsageReportView):
    # Counts over the whole platform and the title of the page last edited anywhere (often
    # another university's draft): platform statistics, for platform staff.
    def dispatch(self, request, *args, **kwargs):
        if not is_platform_staff(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


page_types_usage = require_admin_access(PlatformPageTypesUsageView.as_view())
page_types_usage_results = require_admin_access(
    PlatformPageTypesUsageView.as_view(results_only=True)
)

_wagtail_workflow_preview = page_viewset_registry.as_view(
    "workflow_preview", page_id_kwarg="page_id"
)
_wagtail_confirm_workflow_cancellation = page_viewset_registry.as_view(
    "confirm_workflow_cancellation", page_id_kwarg="page_id"
)


def _visible_page_or_404(user, page_id) -> None:
    # A page the viewer cannot see in the admin is "not found", like a missing one.
    if not pages_visible_in_admin(user, Page.objects.filter(pk=page_id)).exists():
        raise Http404


@require_admin_access
def workflow_preview(request, page_id, task_id):
    # Wagtail's view puts the page's title in an error message before it checks the viewer's
    # rights.
    _visible_page_or_404(request.user, page_id)
    return _wagtail_workflow_preview(request, page_id=page_id, task_id=task_id)


@require_admin_access
def confirm_workflow_cancellation(request, page_id):
    # Wagtail's modal says which task and workflow the page is at, checking no rights: it
    # would tell another university where A's draft stands in review.
    _visible_page_or_404(request.user, page_id)
    return _wagtail_confirm_workflow_cancellation(request, page_id=page_id)


def visible_pages(user, pks) -> set[int]:
    return set(
        pages_visible_in_admin(user, Page.objects.filter(pk__in=pks)).values_list("pk", flat=True)
    )


# Per (app_label, model_name) of a bulk action: which of the given ids the user may see.
# Higher apps plug theirs in from their `ready()` (uploads: images and documents).
BULK_VISIBLE = {("wagtailcore", "page"): visible_pages}


def bulk_visible_register(app_label: str, model_name: str, visible) -> None:
    """Have bulk actions on `app_label.model_name` take only the ids `visible(user, pks)`
    returns (a set of primary keys)."""
    BULK_VISIBLE[(app_label, model_name)] = visible


def _without_hidden_ids(request, visible) -> None:
    # Narrow the request's `?id=` list to the objects the viewer may see before Wagtail reads
    # it: Wagtail names every object it is given, whoever asks.
    ids = request.GET.getlist("id")
    pks = [int(pk) for pk in ids if pk.isdigit()]
    shown = {str(pk) for pk in visible(request.user, pks)}
    query = request.GET.copy()
    query.setlist("id", [pk for pk in ids if not pk.isdigit() or pk in shown])
    request.GET = query


_wagtail_chosen_pages = chooser.ChosenMultipleView.as_view()


@require_admin_access
def chosen_pages(request):
    """The page chooser's "chosen multiple" step, for the pages the viewer may see."""
    _without_hidden_ids(request, visible_pages)
    return _wagtail_chosen_pages(request)


def _select_all_expanded(request, app_label, model_name, action) -> None:
    """Replace "select all" (`?id=all`, with `childOf` for pages) by the ids it stands for.

    Wagtail resolves `all` to every object of the model (or every child of any page), so it
    has to become a list before the hidden ids can be dropped from it."""
    ids = request.GET.getlist("id")
    if "all" not in ids:
        return
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as missing:
        raise Http404 from missing
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, action)
    if action_class is None:
        raise Http404
    try:
        listed = action_class(request, model).get_all_objects_in_listing_query(
            request.GET.get("childOf")
        )
        listed = [str(pk) for pk in listed]
    except (ObjectDoesNotExist, ValidationError, ValueError) as bad_parent:
        raise Http404 from bad_parent
    query = request.GET.copy()
    query.setlist("id", listed + [pk for pk in ids if pk != "all"])
    request.GET = query


@require_admin_access
def bulk_action(request, app_label, model_name, action):
    """Wagtail's bulk actions, taking only the objects the viewer may see (its confirmation
    page lists by title even those it refuses to act on)."""
    visible = BULK_VISIBLE.get((app_label, model_name))
    if visible is None and not is_platform_staff(request.user):
        raise Http404
    if visible is not None:
        _select_all_expanded(request, app_label, model_name, action)
        _without_hidden_ids(request, visible)
    return wagtail_bulk_action(request, app_label, model_name, action)


def platform_staff_only(view):
    """`view` for platform staff; everyone else is refused as Wagtail refuses."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        if not is_platform_staff(request.user):
            return permission_denied(request)
        return view(request, *args, **kwargs)

    return require_admin_access(gated)


# Workflows are edited by platform staff only (`universities.roles` gives nobody else the
# right), so the chooser of their tasks is theirs too: Wagtail's would hand any admin user
# every university's approval task, by id or in its list.
task_chooser = platform_staff_only(workflows.TaskChooserView.as_view())
task_chooser_results = platform_staff_only(workflows.TaskChooserResultsView.as_view())
task_chooser_create = platform_staff_only(workflows.TaskChooserCreateView.as_view())
task_chosen = platform_staff_only(workflows.task_chosen)
