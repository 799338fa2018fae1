"""Gates for the LTI tool's pages: registering a platform is platform staff's business."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from teaching.access import runs_for_teaching
from universities.access import is_platform_staff, object_or_404

from .models import ContextLink
from .selectors import deep_linking_pages, registration_by_id

DEEP_LINK_SESSION_KEY = "lti_deep_link"


def registration_for_staff(user) -> None:
    """Only platform staff may connect a partner platform to Ilm."""
    if not (user.is_authenticated and is_platform_staff(user)):
        raise PermissionDenied


def deep_link_for(request):
    """The deep-linking request this browser's session holds for its signed-in instructor, or
    403: the picker opens only right after a verified LtiDeepLinkingRequest."""
    held = request.session.get(DEEP_LINK_SESSION_KEY)
    if not request.user.is_authenticated or not held or held["user"] != request.user.pk:
        raise PermissionDenied
    registration = registration_by_id(held["registration"])
    if registration is None:
        raise PermissionDenied
    return registration, held


def pages_for_deep_linking(registration, page_ids) -> list:
    """The live pages among `page_ids` inside the courses the partner has been given; any
    other id is refused as not found."""
    allowed = {page.pk: page for page in deep_linking_pages(registration)}
    pages = []
    for page_id in page_ids:
        if not str(page_id).isdigit() or int(page_id) not in allowed:
            raise Http404
        pages.append(allowed[int(page_id)])
    return pages


def context_for_teaching(user, context_id) -> ContextLink:
    """A platform context whose run `user` may teach; any other is not found."""
    if not user.is_authenticated:
        raise PermissionDenied
    contexts = ContextLink.objects.select_related("registration", "run").filter(
        run__in=runs_for_teaching(user)
    )
    return object_or_404(contexts, pk=context_id)
