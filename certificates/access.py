"""Who may fetch what. The verification page and the signed JSON are public on purpose:
they show only what the credential itself holds. The PDF and the dashboard list are the
learner's own."""

from django.http import Http404

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
