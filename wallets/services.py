"""Writes of the wallet flow: offers, the token exchange, nonces, and deliveries.

Each secret is random (`secrets.token_urlsafe`), handed out once and stored as its SHA-256
hash. Single use is decided under a row lock (`select_for_update`), so two wallets racing
with one code or one token get one success between them.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from certificates.holder_copies import credential_holder_copy
from certificates.models import Credential
from certificates.services import CertificateError

from .key_proofs import KeyProof
from .metadata import CONFIGURATIONS, HOLDER_BOUND
from .models import AccessToken, CredentialOffer, ProofNonce, WalletDelivery

OFFER_LIFETIME = timedelta(minutes=10)
TOKEN_LIFETIME = timedelta(minutes=10)
NONCE_LIFETIME = timedelta(minutes=5)


class WalletError(Exception):
    """A refusal in the protocol's own words: an OAuth / OpenID4VCI error code, an ASCII
    description for the wallet's developer, and the HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def secret_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class OfferMade:
    offer: CredentialOffer
    pre_authorized_code: str


def wallet_offer_create(*, credential: Credential, learner) -> OfferMade:
    """Make a single-use, short-lived offer of the learner's own credential.

    The caller has gated `credential` to `learner` (`access.credential_for_wallet_offer`).
    A revoked credential is not offered.
    """
    if credential.learner_id != learner.pk:
        raise WalletError("access_denied", "not the learner's credential", status=403)
    if credential.revoked:
        raise WalletError("credential_request_denied", "the credential is revoked")
    code = _new_secret()
    with transaction.atomic():
        offer = CredentialOffer(
            credential=credential,
            learner=learner,
            code_hash=secret_hash(code),
            expires_at=timezone.now() + OFFER_LIFETIME,
        )
        offer.full_clean()
        offer.save()
    return OfferMade(offer=offer, pre_authorized_code=code)


@dataclass(frozen=True)
class TokenIssued:
    access_token: str
    expires_in: int


def access_token_issue(*, pre_authorized_code: str) -> TokenIssued:
    """Redeem a pre-authorised code for an access token (once, before it expires).

    A code presented a second time is refused, and the token it bought is revoked if it has
    not fetched anything yet: a code seen twice may have been copied (RFC 9700, 4.5).
    """
    now = timezone.now()
    with transaction.atomic():
        offer = (
            CredentialOffer.objects.select_for_update()
            .select_related("credential")
            .filter(code_hash=secret_hash(pre_authorized_code))
            .first()
        )
        if offer is None:
            raise WalletError("invalid_grant", "unknown pre-authorized_code")
        if offer.redeemed_at is not None:
            AccessToken.objects.filter(offer=offer, used_at__isnull=True).update(revoked_at=now)
            outcome = WalletError("invalid_grant", "the pre-authorized_code was already used")
        elif offer.expires_at <= now:
            outcome = WalletError("invalid_grant", "the pre-authorized_code has expired")
        elif offer.credential.revoked or offer.credential.learner_id != offer.learner_id:
            outcome = WalletError("invalid_grant", "the offered credential is no longer issued")
        else:
            token = _new_secret()
            offer.redeemed_at = now
            offer.save(update_fields=["redeemed_at"])
            AccessToken.objects.create(
                offer=offer, token_hash=secret_hash(token), expires_at=now + TOKEN_LIFETIME
            )
            return TokenIssued(access_token=token, expires_in=int(TOKEN_LIFETIME.total_seconds()))
    # Raised outside the block: the revocation above is committed, not rolled back.
    raise outcome


def proof_nonce_create() -> str:
    """A fresh `c_nonce`; expired ones are swept here, so the table stays small."""
    now = timezone.now()
    value = _new_secret()
    with transaction.atomic():
        ProofNonce.objects.filter(expires_at__lt=now - NONCE_LIFETIME).delete()
        ProofNonce.objects.create(value_hash=secret_hash(value), expires_at=now + NONCE_LIFETIME)
    return value


def access_token_check(access_token: str) -> AccessToken:
    """The live token for this bearer value, or `invalid_token` (HTTP 401)."""
    token = (
        AccessToken.objects.select_related("offer__credential")
        .filter(token_hash=secret_hash(access_token))
        .first()
    )
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        raise WalletError("invalid_token", "the access token is unknown or expired", status=401)
    if token.used_at is not None:
        raise WalletError("invalid_token", "the access token was already used", status=401)
    return token


def _nonce_consume(nonce: str, now) -> None:
    row = ProofNonce.objects.select_for_update().filter(value_hash=secret_hash(nonce)).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise WalletError("invalid_nonce", "the nonce is unknown, used or expired; get a new one")
    row.used_at = now
    row.save(update_fields=["used_at"])


def credential_deliver(
    *, access_token: AccessToken, configuration_id: str, key_proof: KeyProof | None
) -> dict:
    """Hand the token's credential to the wallet, once, and record the delivery.

    Unbound: the stored signed credential, byte for byte the same document. Bound (with a
    verified key proof): a copy naming the holder's DID, signed afresh by the issuer
    (`certificates.holder_copies`). A revoked credential is refused. A failure leaves the
    token and the nonce unused, so the wallet may try again.
    """
    if configuration_id not in CONFIGURATIONS:
        raise WalletError("unknown_credential_configuration", "unknown credential configuration")
    if (configuration_id == HOLDER_BOUND) != (key_proof is not None):
        raise WalletError("invalid_credential_request", "proof required by bound config only")
    now = timezone.now()
    with transaction.atomic():
        token = AccessToken.objects.select_for_update().get(pk=access_token.pk)
        if token.used_at is not None or token.revoked_at is not None or token.expires_at <= now:
            raise WalletError("invalid_token", "the access token was already used", status=401)
        credential = Credential.objects.select_for_update().get(pk=token.offer.credential_id)
        if credential.revoked or credential.learner_id != token.offer.learner_id:
            raise WalletError("credential_request_denied", "the credential is revoked")
        if key_proof is not None:
            _nonce_consume(key_proof.nonce, now)
            try:
                document = credential_holder_copy(
                    credential=credential, holder_did=key_proof.holder_did
                )
            except CertificateError as error:
                raise WalletError(
                    "credential_request_denied", "cannot bind: " + error.code
                ) from None
            bound_json = json.dumps(document, ensure_ascii=False, indent=2)
        else:
            document = json.loads(credential.signed_json)
            bound_json = ""
        delivery = WalletDelivery(
            credential=credential,
            access_token=token,
            configuration_id=configuration_id,
            holder_did=key_proof.holder_did if key_proof else "",
            bound_json=bound_json,
        )
        delivery.full_clean()
        delivery.save()
        token.used_at = now
        token.save(update_fields=["used_at"])
    return document


def learner_wallet_records_erase(*, user) -> int:
    """Delete the learner's offers, tokens and deliveries before their account is erased.

    The credentials themselves are kept (ADR 0040); what went to which wallet key is the
    learner's own history and goes with them. Returns how many deliveries were deleted.
    """
    with transaction.atomic():
        deliveries, _ = WalletDelivery.objects.filter(access_token__offer__learner=user).delete()
        CredentialOffer.objects.filter(learner=user).delete()
    return deliveries
