"""Reads for the learner's wallet page and their own data download."""

from certificates.models import Credential

from .models import CredentialOffer, WalletDelivery


def deliveries_of(credential: Credential) -> list[WalletDelivery]:
    """What was sent to wallets of this credential, newest first."""
    return list(WalletDelivery.objects.filter(credential=credential).order_by("-delivered_at"))


def wallet_records_of(user) -> dict[str, list[dict]]:
    """The learner's wallet history for their own data download: offers made and what was
    delivered (the holder's DID included; bound copies are the credential plus that DID)."""
    return {
        "wallet_offers": list(
            CredentialOffer.objects.filter(learner=user)
            .order_by("created_at", "pk")
            .values("credential_id", "created_at", "expires_at", "redeemed_at")
        ),
        "wallet_deliveries": list(
            WalletDelivery.objects.filter(access_token__offer__learner=user)
            .order_by("delivered_at", "pk")
            .values("credential_id", "configuration_id", "holder_did", "delivered_at")
        ),
    }
