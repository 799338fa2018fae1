"""The whole pre-authorised code flow over real HTTP, driven by the spec-written wallet, and
the credential it receives checked by Digital Bazaar's verifier (run offline with node)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.services import credential_revoke, university_did_document
from certificates.tests.kit import write
from wallets.models import AccessToken, CredentialOffer, WalletDelivery

from .conftest import issue_to
from .wallet_client import WalletKey

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _verify(tmp_path, node_verifier, credential, document):
    credential.status_list.refresh_from_db()
    did = write(tmp_path, "did.json", university_did_document(credential.university))
    status = tmp_path / "status.json"
    status.write_text(credential.status_list.signed_json, encoding="utf-8")
    return node_verifier(write(tmp_path, "credential.json", document), [did], [status])


def test_wallet_receives_a_holder_bound_credential_that_verifies(
    tmp_path, wallet_for, learner, issued, node_verifier
):
    wallet = wallet_for(learner, issued)
    assert wallet.offer["credential_configuration_ids"]
    configuration = wallet.issuer_metadata["credential_configurations_supported"][
        wallet.bound_configuration_id()
    ]
    assert configuration["format"] == "ldp_vc"
    assert "did:key" in configuration["cryptographic_binding_methods_supported"]
    wallet.get_token()
    answer = wallet.credential_request(wallet.bound_request(wallet.key_proof(wallet.get_nonce())))
    assert answer.status_code == 200, answer.text
    assert "no-store" in answer.headers["Cache-Control"]
    received = answer.json()["credentials"][0]["credential"]
    stored = json.loads(issued.signed_json)

    assert received["credentialSubject"]["id"] == wallet.key.did_key
    # The same credential, bound: same id, status entry, issuer; a fresh proof of its own.
    assert received["id"] == stored["id"]
    assert received["credentialStatus"] == stored["credentialStatus"]
    assert received["issuer"] == stored["issuer"]
    assert received["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert received["proof"][0]["proofValue"] != stored["proof"][0]["proofValue"]
    verdict = _verify(tmp_path, node_verifier, issued, received)
    assert verdict["verified"] is True, verdict

    delivery = WalletDelivery.objects.get()
    assert delivery.holder_did == wallet.key.did_key
    assert json.loads(delivery.bound_json) == received
    # The stored credential is unchanged.
    issued.refresh_from_db()
    assert json.loads(issued.signed_json) == stored

    # Revoking the credential revokes the wallet's copy too (one status entry).
    credential_revoke(credential=issued, reason="Issued by mistake")
    verdict = _verify(tmp_path, node_verifier, issued, received)
    assert verdict["verified"] is False and verdict["revoked"] is True


def test_wallet_with_a_p256_jwk_gets_a_did_jwk_bound_credential(
    tmp_path, wallet_for, learner, issued, node_verifier
):
    wallet = wallet_for(learner, issued, key=WalletKey(algorithm="ES256"))
    wallet.get_token()
    answer = wallet.credential_request(wallet.bound_request(wallet.key_proof(wallet.get_nonce())))
    assert answer.status_code == 200, answer.text
    received = answer.json()["credentials"][0]["credential"]
    assert received["credentialSubject"]["id"].startswith("did:jwk:")
    assert _verify(tmp_path, node_verifier, issued, received)["verified"] is True


def test_without_a_key_the_wallet_gets_the_stored_credential_unchanged(
    tmp_path, wallet_for, learner, issued, node_verifier
):
    wallet = wallet_for(learner, issued)
    wallet.get_token()
    answer = wallet.credential_request(
        {"credential_configuration_id": wallet.unbound_configuration_id()}
    )
    assert answer.status_code == 200, answer.text
    received = answer.json()["credentials"][0]["credential"]
    assert received == json.loads(issued.signed_json)
    assert _verify(tmp_path, node_verifier, issued, received)["verified"] is True
    assert WalletDelivery.objects.get().holder_did == ""


def _error(answer, status, code):
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["error"] == code, answer.text


def test_wrong_reused_and_expired_codes_are_refused(wallet_for, learner, issued):
    wallet = wallet_for(learner, issued)
    _error(wallet.token_request(code="not-a-code"), 400, "invalid_grant")
    first = wallet.get_token()
    # A second redemption is refused, and revokes the token the first one bought.
    _error(wallet.token_request(), 400, "invalid_grant")
    _error(
        wallet.credential_request(
            {"credential_configuration_id": wallet.unbound_configuration_id()}, token=first
        ),
        401,
        "invalid_token",
    )
    assert not WalletDelivery.objects.exists()

    late = wallet_for(learner, issued)
    CredentialOffer.objects.filter(redeemed_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    _error(late.token_request(), 400, "invalid_grant")
    # A transaction code that the offer did not ask for is a malformed request.
    _error(wallet_for(learner, issued).token_request(tx_code="1234"), 400, "invalid_request")


def test_wrong_nonce_and_foreign_signature_are_refused_and_issue_nothing(
    wallet_for, learner, issued
):
    wallet = wallet_for(learner, issued)
    wallet.get_token()
    _error(
        wallet.credential_request(wallet.bound_request(wallet.key_proof("made-up-nonce"))),
        400,
        "invalid_nonce",
    )
    # Signed by another key than the one its header names.
    impostor = WalletKey()
    forged = wallet.key_proof(wallet.get_nonce(), signer=impostor)
    _error(wallet.credential_request(wallet.bound_request(forged)), 400, "invalid_proof")
    other_audience = wallet.key_proof(wallet.get_nonce(), claims={"aud": "https://evil.example"})
    _error(wallet.credential_request(wallet.bound_request(other_audience)), 400, "invalid_proof")
    untyped = wallet.key_proof(wallet.get_nonce(), header={"typ": "JWT"})
    _error(wallet.credential_request(wallet.bound_request(untyped)), 400, "invalid_proof")
    stale = wallet.key_proof(wallet.get_nonce(), claims={"iat": 1_000_000_000})
    _error(wallet.credential_request(wallet.bound_request(stale)), 400, "invalid_proof")
    _error(
        wallet.credential_request({"credential_configuration_id": wallet.bound_configuration_id()}),
        400,
        "invalid_proof",
    )
    _error(
        wallet.credential_request({"credential_configuration_id": "Other"}),
        400,
        "unknown_credential_configuration",
    )
    assert not WalletDelivery.objects.exists()

    # None of that used the token up: a proper proof still gets the credential, once.
    nonce = wallet.get_nonce()
    good = wallet.credential_request(wallet.bound_request(wallet.key_proof(nonce)))
    assert good.status_code == 200, good.text
    _error(
        wallet.credential_request(wallet.bound_request(wallet.key_proof(nonce))),
        401,
        "invalid_token",
    )
    # And that nonce cannot serve another wallet's request either.
    second = wallet_for(learner, issued)
    second.get_token()
    _error(
        second.credential_request(second.bound_request(second.key_proof(nonce))),
        400,
        "invalid_nonce",
    )
    assert WalletDelivery.objects.count() == 1


def test_a_token_fetches_only_its_own_learners_credential(wallet_for, learner, issued, university):
    from tests.factories import make_member

    other = make_member("learner", university, full_name="Bakhtiyor Saidov")
    theirs = issue_to(other, university, title="Физика")
    wallet = wallet_for(learner, issued)
    wallet.get_token()
    _error(
        wallet.credential_request(
            {"credential_identifier": str(theirs.pk), "credential_configuration_id": "x"}
        ),
        400,
        "invalid_credential_request",
    )
    answer = wallet.credential_request(
        {"credential_configuration_id": wallet.unbound_configuration_id()}
    )
    assert answer.status_code == 200
    assert answer.json()["credentials"][0]["credential"]["id"] == f"urn:uuid:{issued.pk}"
    assert WalletDelivery.objects.get().credential_id == issued.pk
    assert not WalletDelivery.objects.filter(credential=theirs).exists()


def test_a_revoked_credential_is_not_delivered(wallet_for, learner, issued):
    wallet = wallet_for(learner, issued)
    waiting = wallet_for(learner, issued)
    wallet.get_token()
    credential_revoke(credential=issued, reason="Plagiarism")
    _error(
        wallet.credential_request(
            {"credential_configuration_id": wallet.unbound_configuration_id()}
        ),
        400,
        "credential_request_denied",
    )
    _error(waiting.token_request(), 400, "invalid_grant")
    assert not WalletDelivery.objects.exists()
    assert AccessToken.objects.get().used_at is None
