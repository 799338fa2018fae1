"""A holder-bound copy of an issued credential, for a wallet that proved it holds a key.

The stored credential names its learner by name only (no DID exists for them). A wallet that
sends a key proof (OpenID4VCI, `wallets` app) gets a copy whose `credentialSubject.id` is the
holder's DID, signed afresh by the same issuer identity with the same cryptosuite. The copy
keeps the credential's `id`, `validFrom` and `credentialStatus`: it is the same credential
bound to a key, and revoking the credential revokes every copy (ADR 0050). The stored signed
text is never touched.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from . import identities
from .models import Credential
from .schemas import achievement_credential_problems
from .services import CertificateError, university_sign


def credential_holder_copy(*, credential: Credential, holder_did: str) -> dict:
    """The credential with `holder_did` as its subject's id, signed by its issuer's DID."""
    if not isinstance(holder_did, str) or not holder_did.startswith("did:"):
        raise CertificateError(_("A holder is named by a DID."))
    if credential.revoked:
        raise CertificateError(_("This credential is revoked."), code="revoked")
    document = json.loads(credential.signed_json)
    issuer = document.get("issuer")
    issuer_did = issuer.get("id") if isinstance(issuer, dict) else issuer
    identity = identities.identity_for_did(issuer_did)
    if identity is None or identity.university_id != credential.university_id:
        raise CertificateError(_("The credential's issuer DID is not one this site holds."))
    document.pop("proof", None)
    subject = {k: v for k, v in document["credentialSubject"].items() if k != "id"}
    document["credentialSubject"] = {"id": holder_did, **subject}
    # Signed under the DID the credential names, which after a move is not the current one.
    signed = university_sign(
        university=credential.university, identity=identity, build=lambda _did: document
    )
    problems = "; ".join(achievement_credential_problems(signed))
    if problems:
        raise CertificateError(
            _("The credential would not meet the Open Badges 3.0 schema: %(problems)s")
            % {"problems": problems}
        )
    return signed
