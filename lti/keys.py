"""Ilm's tool keys: RSA keys made, sealed, opened and published as a JWKS (ADR 0058).

The private half is stored encrypted with AES-GCM under a key derived (HKDF) from
ILM_KEY_ENCRYPTION_KEY(_FILE), the key-encryption key certificates and xAPI forwarding
already use, bound to the key's kid; SECRET_KEY stands in only where no KEK is set (dev, tests).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import uuid
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jwcrypto import jwk

from .models import ToolKey

GRACE_PERIOD = dt.timedelta(days=7)
_SEALED_PREFIX = "v1:"


class KeySealError(Exception):
    pass


def _sealing_key() -> bytes:
    material = settings.ILM_KEY_ENCRYPTION_KEY
    if not material and settings.ILM_KEY_ENCRYPTION_KEY_FILE:
        material = Path(settings.ILM_KEY_ENCRYPTION_KEY_FILE).read_text(encoding="ascii").strip()
    material = material or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ilm lti tool key").derive(
        material.encode("utf-8")
    )


def key_seal(private: jwk.JWK, *, kid: str) -> str:
    nonce = os.urandom(12)
    plain = private.export_private().encode("utf-8")
    sealed = AESGCM(_sealing_key()).encrypt(nonce, plain, kid.encode("utf-8"))
    return _SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def key_open(sealed: str, *, kid: str) -> jwk.JWK:
    raw = base64.urlsafe_b64decode(sealed.removeprefix(_SEALED_PREFIX).encode("ascii"))
    try:
        plain = AESGCM(_sealing_key()).decrypt(raw[:12], raw[12:], kid.encode("utf-8"))
    except InvalidTag:
        raise KeySealError("the sealed tool key cannot be opened with this KEK") from None
    return jwk.JWK(**json.loads(plain))


@transaction.atomic
def tool_key_create() -> ToolKey:
    """Make a new RSA-2048 signing key; it signs from now on, the previous one is retired."""
    kid = uuid.uuid4().hex
    private = jwk.JWK.generate(kty="RSA", size=2048, kid=kid, alg="RS256", use="sig")
    public = json.loads(private.export_public())
    now = timezone.now()
    ToolKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
    return ToolKey.objects.create(
        kid=kid, public_jwk=public, private_sealed=key_seal(private, kid=kid)
    )


def tool_keys_prune(*, now=None) -> int:
    """Forget retired keys past the grace period; returns how many went."""
    now = now or timezone.now()
    deleted, _ = ToolKey.objects.filter(retired_at__lt=now - GRACE_PERIOD).delete()
    return deleted


def signing_key() -> jwk.JWK:
    """The key Ilm signs with now, made on first use."""
    key = ToolKey.objects.filter(retired_at__isnull=True).first() or tool_key_create()
    return key_open(key.private_sealed, kid=key.kid)


def jwks(*, now=None) -> dict:
    """The public keys a platform may see a signature from: the current one and the retired
    ones still within the grace period."""
    now = now or timezone.now()
    if not ToolKey.objects.filter(retired_at__isnull=True).exists():
        tool_key_create()
    rows = ToolKey.objects.exclude(retired_at__lt=now - GRACE_PERIOD)
    return {"keys": [row.public_jwk for row in rows]}
