"""Gates for the LTI tool's pages: registering a platform is platform staff's business."""

from django.core.exceptions import PermissionDenied

from universities.access import is_platform_staff


def registration_for_staff(user) -> None:
    """Only platform staff may connect a partner platform to Ilm."""
    if not (user.is_authenticated and is_platform_staff(user)):
        raise PermissionDenied
