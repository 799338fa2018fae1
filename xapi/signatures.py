"""Checks on signed statements (Data 2.6): a malformed signature is refused with 400.

The LRS decodes the JWS attached with the signature usage type, checks its algorithm, checks
that its payload is the same statement as the one received and, when the header carries an
X.509 certificate, verifies the signature against it. As the specification notes, this
catches mistakes; it does not establish who signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .errors import XAPIError
from .validation import SIGNATURE_USAGE_TYPE, parse_json, statements_match

_HASHES = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


def _b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _without_signatures(statement: dict) -> dict:
    copy = dict(statement)
    kept = [a for a in statement.get("attachments", []) if a["usageType"] != SIGNATURE_USAGE_TYPE]
    if kept:
        copy["attachments"] = kept
    else:
        copy.pop("attachments", None)
    return copy


def sha2_hex(content: bytes, like: str) -> str:
    """Hash `content` with the SHA-2 variant whose hex digest is as long as `like`."""
    algorithm = {
        56: hashlib.sha224,
        64: hashlib.sha256,
        96: hashlib.sha384,
        128: hashlib.sha512,
    }.get(len(like), hashlib.sha256)
    return algorithm(content).hexdigest()


def check_signed_statement(statement: dict, parts: dict) -> None:
    """Refuse (400) a statement whose signature attachment is malformed or does not match."""
    for attachment in statement.get("attachments", []):
        if attachment["usageType"] != SIGNATURE_USAGE_TYPE:
            continue
        part = parts.get(attachment["sha2"].lower())
        if part is None:
            raise XAPIError("a signature attachment must be sent as a part, not only a fileUrl")
        try:
            header_b64, payload_b64, signature_b64 = part.content.decode("ascii").split(".")
            header = parse_json(_b64url(header_b64), "the signature's header")
            payload = parse_json(_b64url(payload_b64), "the signature's payload")
            signature = _b64url(signature_b64)
        except (UnicodeDecodeError, ValueError, binascii.Error):
            raise XAPIError("the signature is not a JWS in compact serialization") from None
        # alg is checked as a string first: an object there is unhashable.
        algorithm = header.get("alg") if isinstance(header, dict) else None
        if not isinstance(algorithm, str) or algorithm not in _HASHES:
            raise XAPIError('the signature must use "RS256", "RS384" or "RS512"')
        if not isinstance(payload, dict):
            raise XAPIError("the signature's payload is not a statement")
        try:
            same = statements_match(_without_signatures(payload), _without_signatures(statement))
        except (KeyError, TypeError, AttributeError, ValueError, XAPIError):
            same = False
        if not same:
            raise XAPIError("the signature's payload differs from the statement")
        if "x5c" in header:
            try:
                der = base64.b64decode(header["x5c"][0])
                public_key = x509.load_der_x509_certificate(der).public_key()
                if not isinstance(public_key, rsa.RSAPublicKey):
                    raise XAPIError("the signing certificate is not an RSA certificate")
                public_key.verify(
                    signature,
                    f"{header_b64}.{payload_b64}".encode("ascii"),
                    padding.PKCS1v15(),
                    _HASHES[header["alg"]](),
                )
            except InvalidSignature:
                raise XAPIError("the signature does not verify against its certificate") from None
            except (ValueError, TypeError, IndexError, KeyError, binascii.Error):
                raise XAPIError("the signature's x5c certificate cannot be read") from None
