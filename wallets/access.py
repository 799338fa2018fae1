"""Who may offer a credential to a wallet: only the learner it was issued to.

Not platform staff, not the university's registrar: an offer hands the credential to
whoever scans it, so only its own subject may make one. Anyone else, and an id that does not
exist, get the same 404 (`universities.access.object_or_404`).
"""

from django.http import Http404

from certificates.models import Credential
from universities.access import object_or_404


def credential_for_wallet_offer(user, credential_id) -> Credential:
    """The signed-in learner's own credential, or 404."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    return object_or_404(
        Credential.objects.select_related("university").filter(learner=user), pk=credential_id
    )
