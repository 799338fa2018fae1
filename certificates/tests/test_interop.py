"""Our credentials against an independent implementation: Digital Bazaar's @digitalbazaar/vc
with the eddsa-rdfc-2022 cryptosuite and Bitstring Status List checking, run offline."""

import json

import pytest

from certificates.services import university_did_document
from certificates.verification import Verdict, verify_credential

from .kit import Issuer, write


@pytest.fixture
def issuer():
    return Issuer()


def _files(tmp_path, issuer, credential, status_list=None):
    return (
        write(tmp_path, "credential.json", credential),
        [write(tmp_path, "did.json", issuer.did_document())],
        [write(tmp_path, "status.json", status_list or issuer.status_list())],
    )


def test_valid_credential_passes_the_independent_verifier(tmp_path, issuer, node_verifier):
    credential, dids, lists = _files(tmp_path, issuer, issuer.credential())
    verdict = node_verifier(credential, dids, lists)
    assert verdict["verified"] is True, verdict
    assert verdict["revoked"] is False


def test_tampered_credential_fails(tmp_path, issuer, node_verifier):
    credential = issuer.credential()
    credential["credentialSubject"]["achievement"]["name"] = "Something else"
    verdict = node_verifier(*_files(tmp_path, issuer, credential))
    assert verdict["verified"] is False
    assert verdict["signatureVerified"] is False


def test_credential_signed_with_another_key_fails(tmp_path, issuer, node_verifier):
    impostor = Issuer()
    unsigned = issuer.credential()
    unsigned.pop("proof")
    forged = issuer.sign(
        unsigned, key=impostor.key, method=f"{issuer.did}#{impostor.key.public_multikey}"
    )
    verdict = node_verifier(*_files(tmp_path, issuer, forged))
    assert verdict["verified"] is False


def test_revoked_credential_fails(tmp_path, issuer, node_verifier):
    credential = issuer.credential(index=4242)
    issuer.bits.set(4242, True)
    verdict = node_verifier(*_files(tmp_path, issuer, credential))
    assert verdict["verified"] is False
    assert verdict["revoked"] is True
    assert verdict["signatureVerified"] is True


def test_status_list_signed_by_someone_else_fails(tmp_path, issuer, node_verifier):
    other = Issuer(code="other")
    forged_list = issuer.status_list(
        key=other.key, method=f"{issuer.did}#{other.key.public_multikey}"
    )
    verdict = node_verifier(*_files(tmp_path, issuer, issuer.credential(), forged_list))
    assert verdict["verified"] is False


def test_issued_certificate_passes_and_fails_once_revoked(tmp_path, issued, node_verifier, client):
    from certificates.services import credential_revoke

    did = write(tmp_path, "did.json", university_did_document(issued.university))
    credential = tmp_path / "credential.json"
    credential.write_text(issued.signed_json, encoding="utf-8")
    status = tmp_path / "status.json"
    status.write_text(issued.status_list.signed_json, encoding="utf-8")
    assert node_verifier(credential, [did], [status])["verified"] is True

    credential_revoke(credential=issued, reason="Issued by mistake")
    issued.status_list.refresh_from_db()
    status.write_text(issued.status_list.signed_json, encoding="utf-8")
    verdict = node_verifier(credential, [did], [status])
    assert verdict["verified"] is False and verdict["revoked"] is True
    # And our own page agrees.
    page = client.get(f"/verify/{issued.pk}/")
    assert page.context["result"].verdict == Verdict.REVOKED


def test_python_and_node_agree_on_a_tricky_text(tmp_path, issuer, node_verifier):
    from certificates import composition

    credential = issuer.credential()
    # Quotes, backslashes, tabs, newlines, RTL and astral characters all sign portably.
    text = 'a "quoted" \\ back\tslash\nnew line — مرحبا 𝔘𝔫𝔦𝔠𝔬𝔡𝔢'
    credential.pop("proof")
    credential["credentialSubject"]["achievement"]["description"] = composition.clean_text(
        text, "description"
    )
    signed = issuer.sign(credential)
    assert verify_credential(signed, issuer.resolver()).verdict == Verdict.VALID
    verdict = node_verifier(*_files(tmp_path, issuer, json.loads(json.dumps(signed))))
    assert verdict["verified"] is True, verdict


def test_export_under_another_site_url_passes_the_independent_verifier(
    tmp_path, settings, university, learner, course, node_verifier
):
    """Issued at one address, exported at another (ADR 0046): the backup alone verifies."""
    from certificates import identities, services
    from certificates.export import credentials_export

    from .conftest import complete_course
    from .test_identity import _other_course

    settings.SITE_URL = "https://127.0.0.1:18765"
    first = services.certificate_issue(enrollment_id=complete_course(learner, course).pk)
    services.issuer_key_rotate(university=university)
    settings.SITE_URL = "https://ilm.new.example"
    identities.issuer_identity_move(university=university)
    second = services.certificate_issue(
        enrollment_id=complete_course(learner, _other_course(university)).pk
    )
    settings.SITE_URL = "http://127.0.0.1:8000"
    result = credentials_export(directory=tmp_path)
    assert not result.missing
    dids = sorted((tmp_path / "did").iterdir())
    lists = sorted((tmp_path / "status").iterdir())
    assert len(dids) == 2 and len(lists) == 2
    for credential in (first, second):
        path = tmp_path / "credentials" / f"{credential.pk}.json"
        verdict = node_verifier(path, dids, lists)
        assert verdict["verified"] is True, verdict


def test_did_document_naming_another_controller_fails_the_independent_verifier(
    tmp_path, issuer, node_verifier
):
    document = issuer.did_document()
    document["verificationMethod"][0]["controller"] = "did:web:evil.example:universities:tnu"
    verdict = node_verifier(
        write(tmp_path, "credential.json", issuer.credential()),
        [write(tmp_path, "did.json", document)],
        [write(tmp_path, "status.json", issuer.status_list())],
    )
    assert verdict["verified"] is False


def test_hashed_email_identity_passes_the_independent_verifier(tmp_path, issuer, node_verifier):
    from certificates.recipient import hashed_email_identity

    credential = issuer.credential(extra_identifiers=(hashed_email_identity("a@example.com"),))
    verdict = node_verifier(*_files(tmp_path, issuer, credential))
    assert verdict["verified"] is True, verdict
