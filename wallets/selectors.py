"""Reads for the learner's wallet page."""

from certificates.models import Credential

from .models import WalletDelivery


def deliveries_of(credential: Credential) -> list[WalletDelivery]:
    """What was sent to wallets of this credential, newest first."""
    return list(WalletDelivery.objects.filter(credential=credential).order_by("-delivered_at"))
