"""Signed statements (Data 2.6): a well-formed signature passes, malformed ones are 400."""

import base64
import datetime as dt
import hashlib
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from xapi.services import AttachmentPart
from xapi.signatures import check_signed_statement
from xapi.validation import SIGNATURE_USAGE_TYPE, XAPIError

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
NAME = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "signer")])
CERT = (
    x509.CertificateBuilder()
    .subject_name(NAME)
    .issuer_name(NAME)
    .public_key(KEY.public_key())
    .serial_number(1)
    .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    .not_valid_after(dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    .sign(KEY, hashes.SHA256())
)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(payload: dict, *, alg="RS256", key=KEY) -> bytes:
    x5c = base64.b64encode(CERT.public_bytes(serialization.Encoding.DER)).decode()
    header = b64url(json.dumps({"alg": alg, "x5c": [x5c]}).encode())
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
