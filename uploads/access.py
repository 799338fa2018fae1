"""Who may read an uploaded file: documents and images, with their renditions.

A file in a university's collection (one its groups hold permissions on, see
`universities.roles`) is readable by the people in those groups, by platform staff, and by
anyone once a live page uses it: a draft's attachment stays inside its university. Files in
other collections follow Wagtail's collection privacy settings, and are public without one.

Everything here answers "not found" for a refusal, so a guessed name or id learns nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet
from django.http import Http404
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, ReferenceIndex
from wagtail.permissions import policy_registry

from universities.access import is_platform_staff

# Folders of the upload storage and what owns the files in them (Wagtail's `upload_to`).
ORIGINAL_IMAGES_FOLDER = "original_images/"
RENDITIONS_FOLDER = "images/"


def _university_groups(collection: Collection) -> list[str]:
    return list(
        Group.objects.filter(collection_permissions__collection=collection)
        .values_list("name", flat=True)
        .distinct()
    )


def _used_on_a_live_page(instance: Model) -> bool:
    page_ids = [
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(instance)
        .filter(base_content_type__app_label="wagtailcore", base_content_type__model="page")
        .values_list("object_id", flat=True)
    ]
    return Page.objects.filter(pk__in=page_ids, live=True).exists()


def university_file_readable(user, instance: Model) -> bool | None:
    """Whether `user` may read `instance` (a document or an image) by its university's rule;
    None when its collection belongs to no university and Wagtail's own rules decide."""
    if is_platform_staff(user):
        return True
    groups = _university_groups(instance.collection)
    if not groups:
        return None
    if user.is_authenticated and user.groups.filter(name__in=groups).exists():
        return True
    return _used_on_a_live_page(instance)


# What the admin lets someone pick or manage: the collections their groups hold rights on
# (`universities.roles` grants them per university), everything for platform staff.
ADMIN_FILE_ACTIONS = ("add", "change", "delete", "choose")


def images_for_admin(user) -> QuerySet:
    """The images `user` may see in the admin (its listings, choosers and admin API)."""
    if is_platform_staff(user):
        return get_image_model().objects.all()
    policy = policy_registry.get_by_type(get_image_model())
    return policy.instances_user_has_any_permission_for(user, ADMIN_FILE_ACTIONS)


def documents_for_admin(user) -> QuerySet:
    """The documents `user` may see in the admin (its listings, choosers and admin API)."""
    if is_platform_staff(user):
        return get_document_model().objects.all()
    policy = policy_registry.get_by_type(get_document_model())
    return policy.instances_user_has_any_permission_for(user, ADMIN_FILE_ACTIONS)


def _collection_restrictions_pass(request, collection: Collection) -> bool:
    # Wagtail enforces its collection privacy settings for documents only; images get the
    # same rules here. They need the request: a password restriction lives in the session.
    return all(r.accept_request(request) for r in collection.get_view_restrictions())


def document_for_reader(request, document) -> None:
    """Raise 404 unless the reader of `request` may have `document`. Wagtail's own hook has
    already applied the collection's privacy settings by the time this runs."""
    if university_file_readable(request.user, document) is False:
        raise Http404


def image_file_for_viewer(request, name: str):
    """The image or rendition whose file is `name` in the upload storage, if the viewer of
    `request` may see it; else 404. Documents are never served by their storage name: only the
    gated document view serves them."""
    Image = get_image_model()
    owner = None
    if name.startswith(ORIGINAL_IMAGES_FOLDER):
        owner = Image.objects.filter(file=name).select_related("collection").first()
        file = owner
    elif name.startswith(RENDITIONS_FOLDER):
        file = (
            Image.get_rendition_model()
            .objects.filter(file=name)
            .select_related("image__collection")
            .first()
        )
        owner = file.image if file is not None else None
    if owner is None:
        raise Http404
    if university_file_readable(request.user, owner) is False:
        raise Http404
    if not is_platform_staff(request.user) and not _collection_restrictions_pass(
        request, owner.collection
    ):
        raise Http404
    return file
