"""Ed25519 issuer keys, and their encryption at rest.

A university's private signing key is never stored in plain text. It is sealed with
AES-256-GCM under a key-encryption key (KEK) that lives outside the database, given by two
settings (which `lms/env.py` takes from the environment variables of the same names):

* `ILM_KEY_ENCRYPTION_KEY`: 32 random bytes, urlsafe-base64 encoded (make one with
  `python -c "import os,base64;print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`);
* or `ILM_KEY_ENCRYPTION_KEY_FILE`: the path of a file holding that value, readable only by
  the worker that signs (preferred in production: the web process then never sees it). The
  file is read each time a key is sealed or opened, never when settings load.

Development and test settings may fall back to a KEK derived from `SECRET_KEY` (HKDF-SHA256);
that logs a warning, and production must refuse it. The public Multikey is used as associated
data, so a sealed key cannot be swapped onto another key record unnoticed.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from .multikey import public_key_to_multikey

logger = logging.getLogger(__name__)

# The names of the two settings (and of the environment variables they come from).
KEK_ENV = "ILM_KEY_ENCRYPTION_KEY"
KEK_FILE_ENV = "ILM_KEY_ENCRYPTION_KEY_FILE"
_SEALED_PREFIX = "v1:"


class KeyEncryptionError(Exception):
    """The KEK is missing or malformed, or a sealed key cannot be opened with it."""


@dataclass(frozen=True)
class GeneratedKey:
    private_key: Ed25519PrivateKey
    public_multikey: str


def generate_key() -> GeneratedKey:
    """A fresh Ed25519 key pair, with its public key as a Multikey (`z6Mk...`)."""
    private_key = Ed25519PrivateKey.generate()
    public = private_key.public_key().public_bytes_raw()
    return GeneratedKey(private_key=private_key, public_multikey=public_key_to_multikey(public))


def public_multikey_of(private_key: Ed25519PrivateKey) -> str:
    return public_key_to_multikey(private_key.public_key().public_bytes_raw())


def _decode_kek(text: str) -> bytes:
    try:
        kek = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise KeyEncryptionError(f"{KEK_ENV} is not urlsafe base64") from None
    if len(kek) != 32:
        raise KeyEncryptionError(f"{KEK_ENV} must encode exactly 32 bytes")
    return kek


def key_encryption_key(
    configured: Mapping[str, str] | None = None,
    *,
    fallback_secret: str | None = None,
) -> bytes:
    """Return the KEK from its setting, its file, or (if allowed) derived from a secret.

    `configured` maps `KEK_ENV` and `KEK_FILE_ENV` to their values; by default, Django's
    settings. `fallback_secret` is the Django SECRET_KEY in development and tests; production
    passes None so that a missing KEK is an error rather than a silently weak key.
    """
    if configured is None:
        configured = {
            KEK_ENV: settings.ILM_KEY_ENCRYPTION_KEY,
            KEK_FILE_ENV: settings.ILM_KEY_ENCRYPTION_KEY_FILE,
        }
    if configured.get(KEK_ENV):
        return _decode_kek(configured[KEK_ENV])
    if configured.get(KEK_FILE_ENV):
        try:
            return _decode_kek(Path(configured[KEK_FILE_ENV]).read_text(encoding="ascii"))
        except OSError as error:
            raise KeyEncryptionError(f"cannot read {KEK_FILE_ENV}: {error.strerror}") from None
    if fallback_secret:
        _warn_about_fallback_once()
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"ilm issuer key encryption"
        ).derive(fallback_secret.encode("utf-8"))
    raise KeyEncryptionError(f"set {KEK_ENV} or {KEK_FILE_ENV} to sign credentials")


@functools.cache
def _warn_about_fallback_once() -> None:
    # Once per process: every signature asks for the KEK, and a seed signs hundreds.
    logger.warning(
        "%s is not set: issuer keys are encrypted with a key derived from SECRET_KEY. "
        "Fine for development and tests, never for production.",
        KEK_ENV,
    )


def seal_private_key(private_key: Ed25519PrivateKey, kek: bytes) -> str:
    """Encrypt the 32-byte seed; the result is text safe to store in the database."""
    nonce = os.urandom(12)
    associated = public_multikey_of(private_key).encode("ascii")
    sealed = AESGCM(kek).encrypt(nonce, private_key.private_bytes_raw(), associated)
    return _SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def open_private_key(sealed: str, public_multikey: str, kek: bytes) -> Ed25519PrivateKey:
    """Decrypt a sealed key and check it belongs to `public_multikey`."""
    if not sealed.startswith(_SEALED_PREFIX):
        raise KeyEncryptionError("unknown sealed key format")
    try:
        blob = base64.urlsafe_b64decode(sealed[len(_SEALED_PREFIX) :])
        seed = AESGCM(kek).decrypt(blob[:12], blob[12:], public_multikey.encode("ascii"))
    except (InvalidTag, binascii.Error, ValueError):
        raise KeyEncryptionError("the sealed key cannot be opened with this KEK") from None
    private_key = Ed25519PrivateKey.from_private_bytes(seed)
    if public_multikey_of(private_key) != public_multikey:
        raise KeyEncryptionError("the sealed key does not match its public key")
    return private_key
