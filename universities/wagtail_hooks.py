"""Admin isolation between universities.

Wagtail's page and collection permissions (granted by `universities.roles` and
`courses.permissions`) already decide who may edit what. These hooks close what permissions
alone leave open: page choosers list every page in the tree, and Wagtail's "confirm move" page
shows any page's title before it checks the move. (Who may read a university's
documents and images is `uploads.access`'s business; that instructors' "add" right on a section
does not let them create whole courses is `courses.wagtail_hooks`'s.)
"""

from django.db.models import Q
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.permission_policies.pages import PagePermissionPolicy

from .access import is_platform_staff


def pages_visible_in_admin(user, queryset):
    """Live pages plus the pages the user may explore: nobody sees another university's
    drafts, even by title, in choosers and searches."""
    if is_platform_staff(user):
        return queryset
    explorable = PagePermissionPolicy().explorable_instances(user).values_list("pk", flat=True)
    return queryset.filter(Q(live=True) | Q(pk__in=explorable))


@hooks.register("construct_page_chooser_queryset")
def hide_other_universities_drafts_in_chooser(pages, request):
    return pages_visible_in_admin(request.user, pages)


@hooks.register("construct_explorer_page_queryset")
def hide_other_universities_drafts_in_explorer(parent_page, pages, request):
    return pages_visible_in_admin(request.user, pages)


@hooks.register("before_move_page")
def refuse_moves_the_user_may_not_make(request, page_to_move, destination):
    # Wagtail checks the move only when it is confirmed (POST); its confirmation page would
    # otherwise name another university's draft to anyone who guesses its id.
    if not page_to_move.permissions_for_user(request.user).can_move_to(destination):
        return permission_denied(request)
    return None


@hooks.register("construct_reports_menu")
def hide_platform_reports_from_university_staff(request, menu_items):
    # The page types report is for platform staff (universities.admin_views).
    if not is_platform_staff(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]
