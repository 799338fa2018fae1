"""Who may fetch what. The verification page and the signed JSON are public on purpose:
they show only what the credential itself holds. The PDF and the dashboard list are the
learner's own."""

from django.core.exceptions import ValidationError
from django.http import Http404

from universities.models import Role
from universities.selectors import is_platform_staff, university_ids_for

from .models import Credential


def credential_for_learner(user, credential_id) -> Credential:
    """The learner's own credential, or 404 (never 403: no hint that the id exists)."""
    if not user.is_authenticated:
        raise Http404
    try:
        return Credential.objects.select_related("university").get(pk=credential_id, learner=user)
    except Credential.DoesNotExist:
        raise Http404 from None


def credential_public(credential_id) -> Credential:
    try:
        return Credential.objects.select_related("university").get(pk=credential_id)
    except Credential.DoesNotExist:
        raise Http404 from None


def credential_for_registrar(user, credential_id) -> Credential:
    """A credential the user may revoke or un-revoke: one issued by a university where they
    are registrar (any, for platform staff). Otherwise 404, so a forged id learns nothing."""
    if not user.is_authenticated:
        raise Http404
    credentials = Credential.objects.select_related("university")
    if not is_platform_staff(user):
        credentials = credentials.filter(university_id__in=university_ids_for(user, Role.REGISTRAR))
    try:
        return credentials.get(pk=credential_id)
    except (Credential.DoesNotExist, ValueError, ValidationError):
        # A malformed id from a caller that bypassed the URL's uuid converter.
        raise Http404 from None
