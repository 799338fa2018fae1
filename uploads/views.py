"""HTTP for uploads: every URL under MEDIA_URL and every document URL is answered here, never
by a web server."""

from django.http import Http404, HttpResponseBase
from django.views.decorators.http import require_safe
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.models import document_served

from universities.access import object_or_404

from . import access, delivery


@require_safe
def media_file(request, name: str):
    """An image or rendition by its storage name, to whoever its collection lets see it."""
    image_file = access.image_file_for_viewer(request, name)
    return delivery.file_response(image_file.file.storage, image_file.file.name)


@require_safe
def document_file(request, document_id: int, document_filename: str):
    """Wagtail's document URL, served with `uploads.delivery` instead of Wagtail's own
    delivery (which has no proxy hand-off and no sandbox)."""
    Document = get_document_model()
    document = object_or_404(Document.objects.all(), pk=document_id)
    if document.filename != document_filename:
        raise Http404
    # Wagtail's privacy settings (a login or password page) and the university gate.
    for hook in hooks.get_hooks("before_serve_document"):
        result = hook(document, request)
        if isinstance(result, HttpResponseBase):
            return result
    document_served.send(sender=Document, instance=document, request=request)
    return delivery.file_response(
        document.file.storage, document.file.name, filename=document.filename
    )
