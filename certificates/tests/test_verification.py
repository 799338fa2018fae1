import copy
from datetime import UTC, datetime, timedelta

import pytest

from certificates.verification import (
    CredentialParseError,
    StaticResolver,
    Verdict,
    parse_credential,
    verify_credential,
)

from .kit import Issuer, tomorrow


@pytest.fixture
def issuer():
    return Issuer()


def test_valid_credential(issuer):
    result = verify_credential(issuer.credential(), issuer.resolver())
    assert result.verdict == Verdict.VALID, result.reasons


def test_changed_content_is_tampered(issuer):
    credential = issuer.credential()
    credential["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    result = verify_credential(credential, issuer.resolver())
    assert result.verdict == Verdict.TAMPERED
    assert "changed after signing" in str(result.reasons[0])


def test_signed_with_a_key_the_issuer_does_not_list_is_tampered(issuer):
    impostor = Issuer()
    # Same issuer DID and a method id under it, but the impostor's key.
    credential = issuer.credential()
    credential.pop("proof")
    forged = issuer.sign(
        credential, key=impostor.key, method=f"{issuer.did}#{impostor.key.public_multikey}"
    )
    assert verify_credential(forged, issuer.resolver()).verdict == Verdict.TAMPERED


def test_proof_by_another_did_is_tampered(issuer):
    other = Issuer(code="other")
    credential = issuer.credential()
    credential.pop("proof")
    forged = other.sign(credential)
    resolver = issuer.resolver()
    resolver.did_documents[other.did] = other.did_document()
    assert verify_credential(forged, resolver).verdict == Verdict.TAMPERED


def test_unknown_issuer(issuer):
    resolver = StaticResolver(status_lists={issuer.status_url: issuer.status_list()})
    result = verify_credential(issuer.credential(), resolver)
    assert result.verdict == Verdict.UNKNOWN_ISSUER


def test_resolver_that_raises_means_unknown_issuer(issuer):
    class Broken(StaticResolver):
        def did_document(self, did):
            raise TimeoutError("network down")

    result = verify_credential(issuer.credential(), Broken())
    assert result.verdict == Verdict.UNKNOWN_ISSUER


def test_revoked(issuer):
    credential = issuer.credential(index=99)
    issuer.bits.set(99, True)
    result = verify_credential(credential, issuer.resolver())
    assert result.verdict == Verdict.REVOKED


def test_status_list_signed_by_someone_else_is_not_trusted(issuer):
    credential = issuer.credential(index=99)
    other = Issuer(code="other")
    forged_list = issuer.status_list(
        key=other.key, method=f"{issuer.did}#{other.key.public_multikey}"
    )
    result = verify_credential(credential, issuer.resolver(status_list=forged_list))
    assert result.verdict == Verdict.STATUS_UNKNOWN
    assert "not signed by the issuer" in str(result.reasons[0])


def test_status_list_of_another_issuer_is_not_trusted(issuer):
    other = Issuer(code="other")
    other_list = other.status_list()
    other_list_copy = copy.deepcopy(other_list)
    resolver = issuer.resolver(status_list=other_list_copy)
    resolver.did_documents[other.did] = other.did_document()
    result = verify_credential(issuer.credential(), resolver)
    assert result.verdict == Verdict.STATUS_UNKNOWN


def test_tampered_status_list_is_not_trusted(issuer):
    credential = issuer.credential(index=99)
    status_list = issuer.status_list()
    issuer.bits.set(3, True)
    status_list["credentialSubject"]["encodedList"] = issuer.bits.encode()
    result = verify_credential(credential, issuer.resolver(status_list=status_list))
    assert result.verdict == Verdict.STATUS_UNKNOWN


def test_missing_status_list(issuer):
    resolver = StaticResolver(did_documents={issuer.did: issuer.did_document()})
    result = verify_credential(issuer.credential(), resolver)
    assert result.verdict == Verdict.STATUS_UNKNOWN


def test_valid_from_in_the_future_is_not_yet_valid(issuer):
    credential = issuer.credential(issued_at=tomorrow())
    result = verify_credential(credential, issuer.resolver())
    assert result.verdict == Verdict.NOT_YET_VALID


def test_valid_until_in_the_past_is_expired(issuer):
    credential = issuer.credential(valid_until=datetime(2025, 6, 1, tzinfo=UTC))
    result = verify_credential(credential, issuer.resolver())
    assert result.verdict == Verdict.EXPIRED
    later = verify_credential(credential, issuer.resolver(), now=datetime(2025, 3, 1, tzinfo=UTC))
    assert later.verdict == Verdict.VALID
    earlier = verify_credential(
        credential, issuer.resolver(), now=datetime(2024, 12, 1, tzinfo=UTC) - timedelta(days=1)
    )
    assert earlier.verdict == Verdict.NOT_YET_VALID


def test_rotated_keys_keep_old_credentials_valid(issuer):
    old = issuer.credential()
    old_key = issuer.key.public_multikey
    issuer.key = __import__("certificates.keys", fromlist=["generate_key"]).generate_key()
    resolver = issuer.resolver(did_document=issuer.did_document(extra_keys=[old_key]))
    assert verify_credential(old, resolver).verdict == Verdict.VALID
    assert verify_credential(issuer.credential(), resolver).verdict == Verdict.VALID


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c.pop("proof"),
        lambda c: c.__setitem__("proof", [{"type": "Ed25519Signature2020"}]),
        lambda c: c.__setitem__("proof", "nonsense"),
        lambda c: c.pop("issuer"),
        lambda c: c.__setitem__("type", ["OpenBadgeCredential"]),
        lambda c: c["proof"][0].__setitem__("proofValue", "not multibase"),
    ],
)
def test_malformed_credentials(issuer, mutate):
    credential = issuer.credential()
    mutate(credential)
    assert verify_credential(credential, issuer.resolver()).verdict == Verdict.MALFORMED


def test_not_an_object_is_malformed(issuer):
    assert verify_credential(["a", "list"], issuer.resolver()).verdict == Verdict.MALFORMED


def test_undefined_term_added_after_signing_is_reported_not_crashing(issuer):
    credential = issuer.credential()
    credential["sneaky"] = "value"
    result = verify_credential(credential, issuer.resolver())
    assert result.verdict == Verdict.MALFORMED
    assert "sneaky" in str(result.reasons[1])


@pytest.mark.parametrize(
    "data, message",
    [
        (b"x" * 300_000, "larger than"),
        (b"\xff\xfe not utf-8", "UTF-8"),
        (b'{"a": ', "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"a": NaN}', "number JSON does not allow"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_parse_credential_refuses_hostile_input(data, message):
    with pytest.raises(CredentialParseError, match=message):
        parse_credential(data, max_bytes=1_000_000 if data.startswith(b"[[") else 256 * 1024)
