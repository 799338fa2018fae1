"""Signed statements (Data 2.6): a well-formed signature passes, malformed ones are 400."""

import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from xapi.services import AttachmentPart
from xapi.signatures import check_signed_statement
from xapi.validation import SIGNATURE_USAGE_TYPE, XAPIError

from .signing import b64url, x5c_certificate

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
X5C = x5c_certificate(KEY)


def jws(payload: dict, *, alg="RS256", key=KEY) -> bytes:
    header = b64url(json.dumps({"alg": alg, "x5c": [X5C]}).encode())
    body = b64url(json.dumps(payload).encode())
    signature = key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{body}.{b64url(signature)}".encode()


STATEMENT = {
    "actor": {"mbox": "mailto:signer@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    "object": {"id": "http://example.com/course"},
}


def signed(token: bytes, statement=STATEMENT):
    sha2 = hashlib.sha256(token).hexdigest()
    full = dict(
        statement,
        attachments=[
            {
                "usageType": SIGNATURE_USAGE_TYPE,
                "display": {"en": "signature"},
                "contentType": "application/octet-stream",
                "length": len(token),
                "sha2": sha2,
            }
        ],
    )
    return full, {sha2: AttachmentPart("application/octet-stream", token)}


def test_valid_signature_passes():
    check_signed_statement(*signed(jws(STATEMENT)))


@pytest.mark.parametrize(
    "token",
    [
        b"not a jws",
        b"a.b",
        jws(dict(STATEMENT, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})),
        jws(STATEMENT, alg="HS256"),
        jws(STATEMENT, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    ],
    ids=["garbage", "two segments", "different payload", "wrong alg", "wrong key"],
)
def test_malformed_signatures_are_400(token):
    with pytest.raises(XAPIError) as caught:
        check_signed_statement(*signed(token))
    assert caught.value.status == 400


def test_signature_must_be_sent_as_a_part():
    statement, _ = signed(jws(STATEMENT))
    with pytest.raises(XAPIError):
        check_signed_statement(statement, {})
