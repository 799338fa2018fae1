"""Writes of LRS clients: the Basic-auth credentials a university gives its tools."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from ..access import client_memo_forget, lrs_client_holder_keeps_role
from ..models import LRSClient


@dataclass(frozen=True)
class NewClientCredentials:
    client: LRSClient
    key: str
    secret: str


def lrs_client_create(*, university, name: str, created_by=None) -> NewClientCredentials:
    """Create Basic-auth credentials for a university; the secret is returned only here."""
    name = name.strip()
    if not name:
        raise ValueError("A client needs a name.")
    key = secrets.token_hex(16)
    secret = secrets.token_urlsafe(32)
    client = LRSClient(
        university=university,
        name=name[:200],
        key=key,
        secret_hash=make_password(secret),
        created_by=created_by,
    )
    client.full_clean()
    client.save()
    return NewClientCredentials(client=client, key=key, secret=secret)


def lrs_client_deactivate(*, client: LRSClient) -> None:
    """Revoke a client; its statements stay. This process refuses it at once; the others
    within the few seconds they keep a verified client (`xapi.access`, ADR 0060)."""
    LRSClient.objects.filter(pk=client.pk).update(is_active=False)
    client_memo_forget(client.key)


def lrs_clients_cut(user, *, everything: bool = False) -> int:
    """Deactivate each active client `user` made whose role they no longer hold (all of them
    with `everything`, for an account being deleted). Returns how many were cut."""
    live = LRSClient.objects.filter(created_by=user, is_active=True).select_related("created_by")
    cut = [c for c in live if everything or not lrs_client_holder_keeps_role(c)]
    client_memo_forget(*(c.key for c in cut))
    return LRSClient.objects.filter(pk__in=[c.pk for c in cut]).update(is_active=False)
