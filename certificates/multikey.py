"""Multibase (base58btc, base64url) and Multikey encodings of Ed25519 keys.

Multikey is how DID documents and proofs name keys: the multicodec prefix says what the
bytes are (0xed01 Ed25519 public key, 0x8026 Ed25519 private key) and the multibase prefix
says how they are written ("z" base58btc, "u" base64url without padding).
"""

from __future__ import annotations

import base64

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: index for index, char in enumerate(_B58_ALPHABET)}

ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"


class MultibaseError(ValueError):
    """A value is not the multibase/multikey encoding it claims to be."""


def base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = _B58_ALPHABET[remainder] + encoded
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + encoded


def base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        try:
            number = number * 58 + _B58_INDEX[char]
        except KeyError:
            raise MultibaseError("not base58btc") from None
    leading_ones = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_ones + body


def multibase_base58btc_encode(data: bytes) -> str:
    return "z" + base58_encode(data)


def multibase_base58btc_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z") or len(text) > 4096:
        raise MultibaseError("expected a base58btc multibase value starting with 'z'")
    return base58_decode(text[1:])


def multibase_base64url_encode(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def multibase_base64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("u"):
        raise MultibaseError("expected a base64url multibase value starting with 'u'")
    body = text[1:]
    if any(char in body for char in "=+/"):
        raise MultibaseError("base64url multibase values carry no padding or '+/'")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        raise MultibaseError("not base64url") from None


def public_key_to_multikey(raw_public_key: bytes) -> str:
    if len(raw_public_key) != 32:
        raise MultibaseError("an Ed25519 public key is 32 bytes")
    return multibase_base58btc_encode(ED25519_PUB_PREFIX + raw_public_key)


def multikey_to_public_key(multikey: str) -> bytes:
    data = multibase_base58btc_decode(multikey)
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise MultibaseError("not an Ed25519 Multikey public key")
    return data[2:]


def private_key_to_multikey(raw_private_key: bytes) -> str:
    if len(raw_private_key) != 32:
        raise MultibaseError("an Ed25519 private key seed is 32 bytes")
    return multibase_base58btc_encode(ED25519_PRIV_PREFIX + raw_private_key)


def multikey_to_private_key(multikey: str) -> bytes:
    data = multibase_base58btc_decode(multikey)
    if not data.startswith(ED25519_PRIV_PREFIX) or len(data) != 34:
        raise MultibaseError("not an Ed25519 Multikey private key")
    return data[2:]
