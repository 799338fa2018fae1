"""Credential offers to wallets (OpenID4VCI pre-authorised code flow) and what was delivered.

Secrets (pre-authorised codes, access tokens, nonces) are stored only as SHA-256 hashes: a
copy of the database hands out nothing. Each row is single use; `services.py` consumes it
under a row lock.
"""

from django.conf import settings
from django.db import models


class CredentialOffer(models.Model):
    """One offer of one credential, made by its own learner; its code is redeemed once."""

    credential = models.ForeignKey(
        "certificates.Credential", on_delete=models.CASCADE, related_name="wallet_offers"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet_offers"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"offer {self.pk} of {self.credential_id}"


class AccessToken(models.Model):
    """The access token a redeemed code bought: one Credential Request, within minutes."""

    offer = models.OneToOneField(
        CredentialOffer, on_delete=models.CASCADE, related_name="access_token"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when the offer's code is presented again: a code seen twice may have been stolen.
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token of offer {self.offer_id}"


class ProofNonce(models.Model):
    """A `c_nonce` from the Nonce Endpoint; a key proof may carry it once."""

    value_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"nonce {self.pk}"


class WalletDelivery(models.Model):
    """A credential sent to a wallet: the stored credential as signed, or a holder-bound copy.

    A bound copy is kept here as signed (its own proof, the holder's DID as subject); it
    shares the credential's id and status entry, so revoking the credential revokes it.
    """

    credential = models.ForeignKey(
        "certificates.Credential", on_delete=models.CASCADE, related_name="wallet_deliveries"
    )
    access_token = models.OneToOneField(
        AccessToken, on_delete=models.PROTECT, related_name="delivery"
    )
    configuration_id = models.CharField(max_length=100)
    holder_did = models.CharField(max_length=2000, blank=True)
    # Empty when the stored credential was sent unchanged.
    bound_json = models.TextField(blank=True)
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.credential_id} → {self.holder_did or 'unbound'}"
