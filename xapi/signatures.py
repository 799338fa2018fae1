"""Checks on signed statements (Data 2.6 in 1.0.3, 4.2.6 in 9274.1.1): a malformed signature is
refused with 400. ADR 0045 says what differs between the versions.

The LRS decodes the JWS attached with the signature usage type, checks its header and
algorithm, checks that its payload is the same statement as the one received and, when the
header carries an X.509 certificate, verifies the signature against it. As the specification
notes, this catches mistakes; it does not establish who signed.

What depends on the version served: 1.0.3 only recommended (SHOULD*) the JWS Compact
Serialization, 9274.1.1 requires it (shall). Under 2.0 the attachment must be exactly three
base64url segments joined by dots, with no padding, white space or other characters (RFC 7515
sections 2 and 7.1); under 1.0.3 the segments are decoded as leniently as before. Everything
else is checked alike in both versions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import uuid
from typing import NamedTuple

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .errors import XAPIError
from .validation import SIGNATURE_USAGE_TYPE, parse_json, statements_match
from .versions import DEFAULT_VERSION, is_2_0

_HASHES = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
# RFC 7515 7.1: BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature), unpadded.
# The payload segment may be empty here so that a detached payload gets its own message.
_STRICT_COMPACT_RE = re.compile(rb"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\Z")
_NOT_COMPACT = "the signature is not a JWS in compact serialization"


class _Jws(NamedTuple):
    header_b64: str
    payload_b64: str
    header: object
    payload: object
    signature: bytes


def _b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _without_signatures(statement: dict) -> dict:
    copy = dict(statement)
    attachments = statement.get("attachments", [])
    kept = [
        a
        for a in attachments
        if not (isinstance(a, dict) and a.get("usageType") == SIGNATURE_USAGE_TYPE)
    ]
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


def _decode(content: bytes, *, compact_required: bool) -> _Jws:
    """The JWS in a signature attachment, refused (400) when it is not a compact JWS."""
    if content.lstrip()[:1] == b"{":
        if compact_required:
            raise XAPIError(
                "the signature uses the JWS JSON Serialization; xAPI 2.0 (IEEE 9274.1.1, "
                "4.2.6) requires the JWS Compact Serialization"
            )
        # 1.0.3 only discouraged it; this LRS has never read it and still does not.
        raise XAPIError("the signature uses the JWS JSON Serialization; send the compact one")
    if compact_required and not _STRICT_COMPACT_RE.match(content):
        raise XAPIError(
            f"{_NOT_COMPACT}: xAPI 2.0 requires three unpadded base64url segments joined by dots"
        )
    try:
        header_b64, payload_b64, signature_b64 = content.decode("ascii").split(".")
    except (UnicodeDecodeError, ValueError):
        raise XAPIError(_NOT_COMPACT) from None
    if not payload_b64:
        raise XAPIError(
            "the signature's payload is detached; the JWS must carry the signed statement"
        )
    try:
        header = parse_json(_b64url(header_b64), "the signature's header")
        payload = parse_json(_b64url(payload_b64), "the signature's payload")
        signature = _b64url(signature_b64)
    except (ValueError, binascii.Error):
        raise XAPIError(_NOT_COMPACT) from None
    return _Jws(header_b64, payload_b64, header, payload, signature)


def _check_header(header: object) -> dict:
    if not isinstance(header, dict):
        raise XAPIError("the signature's header is not a JSON object")
    # alg is checked as a string first: an object there is unhashable. "none" is refused too.
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or algorithm not in _HASHES:
        raise XAPIError('the signature must use "RS256", "RS384" or "RS512"')
    if "crit" in header:
        # RFC 7515 4.1.11: a JWS whose critical extensions the recipient does not understand
        # is invalid, and this LRS understands none.
        raise XAPIError("the signature's header names critical extensions (crit) not supported")
    return header


def _same_identifier(signed: object, received: object) -> bool:
    try:
        return uuid.UUID(str(signed)) == uuid.UUID(str(received))
    except ValueError:
        return False


def _check_payload(payload: object, statement: dict) -> None:
    """The payload must be the statement as sent, its signature attachment aside (Data 2.6)."""
    if not isinstance(payload, dict):
        raise XAPIError("the signature's payload is not a statement")
    # The LRS may add an id or a version the statement lacks (Data 2.3.1), never change one:
    # a payload signed with another id or version than the statement's signs something else.
    if "id" in payload and not _same_identifier(payload["id"], statement.get("id")):
        raise XAPIError("the signature's payload has another id than the statement")
    versions = payload.get("version"), statement.get("version")
    if None not in versions and versions[0] != versions[1]:
        raise XAPIError("the signature's payload has another version than the statement")
    try:
        same = statements_match(_without_signatures(payload), _without_signatures(statement))
    except (KeyError, TypeError, AttributeError, ValueError, XAPIError):
        same = False
    if not same:
        raise XAPIError("the signature's payload differs from the statement")


def _verify(jws: _Jws, header: dict) -> None:
    """Verify the signature against the first certificate of `x5c` (RFC 7515 4.1.6)."""
    try:
        der = base64.b64decode(header["x5c"][0])
        public_key = x509.load_der_x509_certificate(der).public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise XAPIError("the signing certificate is not an RSA certificate")
        public_key.verify(
            jws.signature,
            f"{jws.header_b64}.{jws.payload_b64}".encode("ascii"),
            padding.PKCS1v15(),
            _HASHES[header["alg"]](),
        )
    except InvalidSignature:
        raise XAPIError("the signature does not verify against its certificate") from None
    except (ValueError, TypeError, IndexError, KeyError, UnsupportedAlgorithm):
        # A certificate whose key type cryptography does not know raises UnsupportedAlgorithm.
        raise XAPIError("the signature's x5c certificate cannot be read") from None


def check_signed_statement(statement: dict, parts: dict, *, version: str = DEFAULT_VERSION) -> None:
    """Refuse (400) a statement whose signature attachment is malformed or does not match.

    `version` is the xAPI version the request is served under (`XRequest.version`).
    """
    for attachment in statement.get("attachments", []):
        if attachment["usageType"] != SIGNATURE_USAGE_TYPE:
            continue
        part = parts.get(attachment["sha2"].lower())
        if part is None:
            raise XAPIError("a signature attachment must be sent as a part, not only a fileUrl")
        jws = _decode(bytes(part.content), compact_required=is_2_0(version))
        header = _check_header(jws.header)
        _check_payload(jws.payload, statement)
        if "x5c" in header:
            _verify(jws, header)
