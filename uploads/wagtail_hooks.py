"""The documents gate, plugged into Wagtail's `before_serve_document` hook, and the admin
API's image and document endpoints replaced by scoped ones."""

from wagtail import hooks

from . import access
from .admin_api import ScopedDocumentsAdminAPIViewSet, ScopedImagesAdminAPIViewSet


# After Wagtail's own hook (order 0), which applies the collection's privacy settings. Both
# run in `uploads.views.document_file`, which serves every document URL, and would run in
# Wagtail's own view if a URL ever reached it.
@hooks.register("before_serve_document", order=100)
def refuse_documents_to_other_universities(document, request):
    access.document_for_reader(request, document)


# After Wagtail's own registrations (order 0): the same endpoint names, so these replace them.
@hooks.register("construct_admin_api", order=100)
def scope_admin_api_to_the_callers_files(router):
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)
