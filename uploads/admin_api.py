"""The admin API's image and document endpoints, narrowed to what the caller may see.

Wagtail's own endpoints list every image and document to anyone who may enter the admin:
another university's draft handout by title and URL. These subclasses answer the same URLs
(registered over Wagtail's in `wagtail_hooks`) through `uploads.access`; an image or document
outside the caller's reach is "not found", in a listing or by id.
"""

from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from .access import documents_for_admin, images_for_admin


class ScopedImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        allowed = images_for_admin(self.request.user).values("pk")
        return super().get_queryset().filter(pk__in=allowed)


class ScopedDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        allowed = documents_for_admin(self.request.user).values("pk")
        return super().get_queryset().filter(pk__in=allowed)
