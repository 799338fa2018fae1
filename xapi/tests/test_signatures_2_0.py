"""Signed statements under xAPI 2.0.0 (IEEE 9274.1.1 4.2.6) and 1.0.3 (Data 2.6), end to end.

Each test is named after the requirement it proves. Statements are signed with real RSA keys
and self-signed X.509 certificates made here with `cryptography`, sent as multipart/mixed to
the real Statement Resource and verified by the LRS; nothing is mocked. ADR 0045 says what
differs between the versions: 9274.1.1 turned 1.0.3's "JWS Compact Serialization SHOULD* be
used" into "shall", everything else is checked alike.
"""

import hashlib
import hmac
import json
import uuid

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from xapi import multipart
from xapi.models import Statement
from xapi.validation import SIGNATURE_USAGE_TYPE

from .conftest import make_statement
from .signing import b64url, x5c_certificate

pytestmark = pytest.mark.django_db

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
DIGESTS = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
BOTH = pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])


X5C = x5c_certificate(KEY)


def sign(payload, *, alg="RS256", key=KEY, header=None) -> str:
    """A JWS in compact serialization over `payload`, signed the way `alg` says."""
    header = {"alg": alg, "x5c": [X5C]} if header is None else header
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    if alg in DIGESTS:
        signature = key.sign(signing_input.encode(), padding.PKCS1v15(), DIGESTS[alg]())
    elif alg == "PS256":
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        signature = key.sign(signing_input.encode(), pss, hashes.SHA256())
    elif alg == "HS256":
        signature = hmac.new(b"shared secret", signing_input.encode(), hashlib.sha256).digest()
    else:  # "none": an unsecured JWS has an empty signature (RFC 7515 A.5)
        signature = b""
    return f"{signing_input}.{b64url(signature)}"


def signature_attachment(token: bytes, content_type="application/octet-stream") -> dict:
    return {
        "usageType": SIGNATURE_USAGE_TYPE,
        "display": {"en-US": "A JWS signature"},
        "contentType": content_type,
        "length": len(token),
        "sha2": hashlib.sha256(token).hexdigest(),
    }


def post_signed(lrs, statement: dict, token: str | bytes, *, content_type=None, method="post"):
    """Send `statement` with `token` attached as its signature, the way Data 2.6 says."""
    token = token.encode() if isinstance(token, str) else token
    attachment = signature_attachment(token, content_type or "application/octet-stream")
    sent = dict(statement, attachments=[*statement.get("attachments", []), attachment])
    body, body_type = multipart.build(
        [
            ({"Content-Type": "application/json"}, json.dumps(sent).encode()),
            (
                {
                    "Content-Type": "application/octet-stream",
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": attachment["sha2"],
                },
                token,
            ),
        ]
    )
    if method == "put":
        query = f"?statementId={statement['id']}"
        return lrs.put("statements", body, content_type=body_type, query=query)
    return lrs.post("statements", body, content_type=body_type)


@pytest.fixture
def lrs(request, lrs_a, lrs_a_2_0):
    """The client speaking the version the test is parametrized with."""
    return lrs_a_2_0 if request.node.callspec.params["version"] == "2.0.0" else lrs_a


def refused(response, words: str) -> None:
    assert response.status_code == 400, response.content
    assert words in response.json()["error"]["message"]


# --- A Signed Statement shall include a JWS as an attachment (4.2.6 / Data 2.6.s4.b1) -------


@BOTH
@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_a_jws_using_rs256_rs384_or_rs512_verified_against_its_x5c_is_stored(lrs, version, alg):
    statement = make_statement()
    response = post_signed(lrs, statement, sign(statement, alg=alg))
    assert response.status_code == 200, response.content
    stored = Statement.objects.get(statement_id=statement["id"])
    assert [a["usageType"] for a in stored.data["attachments"]] == [SIGNATURE_USAGE_TYPE]


@BOTH
def test_a_signature_attachment_must_have_content_type_application_octet_stream(lrs, version):
    statement = make_statement()
    response = post_signed(lrs, statement, sign(statement), content_type="text/plain")
    refused(response, "application/octet-stream")


@BOTH
def test_a_signature_attachment_must_be_sent_as_a_part(lrs, version):
    token = sign(make_statement()).encode()
    statement = make_statement(attachments=[signature_attachment(token)])
    response = lrs.post("statements", statement)
    refused(response, "must be sent as a part")


# --- JWS Compact Serialization shall be used (9274.1.1 4.2.6; SHOULD* in 1.0.3) -------------


def json_serialization(statement: dict, *, flattened: bool) -> str:
    header_b64, payload_b64, signature_b64 = sign(statement).split(".")
    signed = {"protected": header_b64, "signature": signature_b64}
    if flattened:
        return json.dumps({"payload": payload_b64, **signed})
    return json.dumps({"payload": payload_b64, "signatures": [signed]})


@pytest.mark.parametrize("flattened", [True, False], ids=["flattened", "general"])
def test_the_jws_json_serialization_is_a_400_under_2_0_naming_the_requirement(lrs_a_2_0, flattened):
    statement = make_statement()
    response = post_signed(lrs_a_2_0, statement, json_serialization(statement, flattened=flattened))
    refused(response, "9274.1.1, 4.2.6) requires the JWS Compact Serialization")


def test_the_jws_json_serialization_stays_refused_under_1_0_3(lrs_a):
    statement = make_statement()
    response = post_signed(lrs_a, statement, json_serialization(statement, flattened=True))
    refused(response, "JWS JSON Serialization")


@pytest.mark.parametrize(
    "spoil",
    [
        lambda token: token + "\n",
        lambda token: token + "==",
        lambda token: " " + token,
        lambda token: token.replace(".", ".\r\n", 1),
    ],
    ids=["trailing newline", "padding", "leading space", "line break"],
)
def test_a_jws_that_is_not_exactly_the_compact_serialization_is_a_400_under_2_0(lrs_a_2_0, spoil):
    statement = make_statement()
    token = spoil(sign(statement))
    refused(post_signed(lrs_a_2_0, statement, token), "three unpadded base64url segments")


def test_padded_base64url_segments_stay_accepted_under_1_0_3(lrs_a):
    # 1.0.3 only recommended the compact serialization: its lenient decoding is kept.
    statement = make_statement()
    assert post_signed(lrs_a, statement, sign(statement) + "==").status_code == 200


# --- The JWS signature shall use RS256, RS384 or RS512 (4.2.6 / Data 2.6.s4.b4) -------------


@BOTH
@pytest.mark.parametrize("alg", ["none", "HS256", "PS256"])
def test_an_algorithm_other_than_rs256_rs384_or_rs512_is_a_400(lrs, version, alg):
    statement = make_statement()
    response = post_signed(lrs, statement, sign(statement, alg=alg))
    assert response.status_code == 400, response.content
    message = response.json()["error"]["message"]
    # An unsecured JWS has an empty third segment: not even compact serialization under 2.0.
    assert '"RS256", "RS384" or "RS512"' in message or "base64url segments" in message


@BOTH
def test_an_rs256_header_over_an_rs512_signature_is_a_400(lrs, version):
    statement = make_statement()
    header_b64, payload_b64, _ = sign(statement).split(".")
    other = sign(statement, alg="RS512").split(".")[2]
    response = post_signed(lrs, statement, f"{header_b64}.{payload_b64}.{other}")
    refused(response, "does not verify against its certificate")


@BOTH
def test_a_header_with_critical_extensions_is_a_400(lrs, version):
    statement = make_statement()
    header = {"alg": "RS256", "x5c": [X5C], "b64": False, "crit": ["b64"]}
    response = post_signed(lrs, statement, sign(statement, header=header))
    refused(response, "crit")


# --- The payload shall be the complete Statement before the signature was added -------------


@BOTH
def test_a_detached_payload_is_a_400(lrs, version):
    statement = make_statement()
    header_b64, _, signature_b64 = sign(statement).split(".")
    response = post_signed(lrs, statement, f"{header_b64}..{signature_b64}")
    refused(response, "detached")


@BOTH
def test_a_payload_that_is_another_statement_is_a_400(lrs, version):
    statement = make_statement()
    other = dict(statement, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    refused(post_signed(lrs, statement, sign(other)), "differs from the statement")


@BOTH
def test_a_payload_signed_with_another_id_is_a_400(lrs, version):
    statement = make_statement()
    other = dict(statement, id=str(uuid.uuid4()))
    refused(post_signed(lrs, statement, sign(other)), "another id")


@BOTH
def test_a_payload_with_an_id_the_posted_statement_lacks_is_a_400(lrs, version):
    statement = make_statement()
    sent = {k: v for k, v in statement.items() if k != "id"}
    refused(post_signed(lrs, sent, sign(statement)), "another id")


@BOTH
def test_the_id_stored_and_version_the_lrs_adds_are_not_differences(lrs, version):
    statement = make_statement()
    unsigned = {k: v for k, v in statement.items() if k != "id"}
    response = post_signed(lrs, statement, sign(unsigned), method="put")
    assert response.status_code == 204, response.content
    stored = Statement.objects.get(statement_id=statement["id"]).data
    assert stored["version"] == ("2.0.0" if version == "2.0.0" else "1.0.0")
    assert "stored" in stored and "authority" in stored


@BOTH
def test_a_payload_with_another_version_is_a_400(lrs, version):
    statement = make_statement(version="1.0.0")
    refused(post_signed(lrs, statement, sign(dict(statement, version="1.0.3"))), "version")


@BOTH
def test_the_payload_keeps_the_statements_other_attachments(lrs, version):
    content = b"evidence"
    evidence = {
        "usageType": "http://example.com/usage/evidence",
        "display": {"en-US": "evidence"},
        "contentType": "text/plain",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
        "fileUrl": "http://example.com/evidence.txt",
    }
    statement = make_statement(attachments=[evidence])
    assert post_signed(lrs, statement, sign(statement)).status_code == 200
    without = make_statement(attachments=[evidence])
    bare = {k: v for k, v in without.items() if k != "attachments"}
    refused(post_signed(lrs, without, sign(bare)), "differs from the statement")


# --- If the header includes an X.509 certificate, validate the signature against it ---------


@BOTH
def test_a_signature_that_does_not_verify_against_its_x5c_certificate_is_a_400(lrs, version):
    statement = make_statement()
    response = post_signed(lrs, statement, sign(statement, key=OTHER_KEY))
    refused(response, "does not verify against its certificate")


@BOTH
def test_a_payload_changed_after_signing_does_not_verify(lrs, version):
    statement = make_statement()
    header_b64, _, signature_b64 = sign(statement).split(".")
    # The same statement, serialized otherwise: it matches, but the signature covers bytes.
    respelled = b64url(json.dumps(statement, indent=1).encode())
    response = post_signed(lrs, statement, f"{header_b64}.{respelled}.{signature_b64}")
    refused(response, "does not verify against its certificate")


@BOTH
def test_a_certificate_that_is_not_rsa_is_a_400(lrs, version):
    statement = make_statement()
    header = {"alg": "RS256", "x5c": [x5c_certificate(EC_KEY)]}
    refused(post_signed(lrs, statement, sign(statement, header=header)), "not an RSA certificate")


@BOTH
@pytest.mark.parametrize("x5c", [[], "not a list", [42], ["bm90IGEgY2VydGlmaWNhdGU="], {"a": 1}])
def test_an_x5c_that_holds_no_readable_certificate_is_a_400(lrs, version, x5c):
    statement = make_statement()
    header = {"alg": "RS256", "x5c": x5c}
    refused(post_signed(lrs, statement, sign(statement, header=header)), "x5c")


@BOTH
def test_a_jws_without_x5c_is_accepted_as_the_certificate_is_only_recommended(lrs, version):
    statement = make_statement()
    response = post_signed(lrs, statement, sign(statement, header={"alg": "RS256"}))
    assert response.status_code == 200, response.content
