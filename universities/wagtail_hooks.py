"""Admin isolation between universities.

Wagtail's page and collection permissions (granted by `universities.roles` and
`courses.permissions`) already decide who may edit what. These hooks close what permissions
alone leave open: page choosers list every page in the tree and documents are served by id to
anyone. (That instructors' "add" right on a section does not let them create whole courses is
`courses.wagtail_hooks`'s business.)
"""

from django.contrib.auth.models import Group
from django.db.models import Q
from django.http import Http404
from wagtail import hooks
from wagtail.models import Page, ReferenceIndex
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


def _collection_universities_groups(collection) -> list[str]:
    return list(
        Group.objects.filter(collection_permissions__collection=collection)
        .values_list("name", flat=True)
        .distinct()
    )


@hooks.register("before_serve_document")
def serve_university_documents_to_their_readers(document, request):
    """A document in a university's collection is served to people who hold a permission on
    that collection, to platform staff, and to anyone once a live page uses it. A draft's
    attachment stays inside its university."""
    user = request.user
    if is_platform_staff(user):
        return None
    managed = _collection_universities_groups(document.collection)
    if not managed:
        return None  # not a university collection (e.g. the root): Wagtail's own rules apply
    if user.is_authenticated and user.groups.filter(name__in=managed).exists():
        return None
    page_ids = [
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(document)
        .filter(base_content_type__app_label="wagtailcore", base_content_type__model="page")
        .values_list("object_id", flat=True)
    ]
    if Page.objects.filter(pk__in=page_ids, live=True).exists():
        return None
    raise Http404
