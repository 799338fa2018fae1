"""The documents gate, plugged into Wagtail's `before_serve_document` hook."""

from wagtail import hooks

from . import access


# After Wagtail's own hook (order 0), which applies the collection's privacy settings. Both
# run in `uploads.views.document_file`, which serves every document URL, and would run in
# Wagtail's own view if a URL ever reached it.
@hooks.register("before_serve_document", order=100)
def refuse_documents_to_other_universities(document, request):
    access.document_for_reader(request, document)
