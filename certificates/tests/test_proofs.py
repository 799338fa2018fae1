"""eddsa-rdfc-2022 signing reproduces the published test vectors byte for byte."""

import copy
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates import multikey, proofs
from certificates.contexts import load_bundled_context

DATA = Path(__file__).parent / "data"
W3C = DATA / "vc_di_eddsa"
ONEDTECH = DATA / "onedtech"


def _loader_with(extra: dict):
    def loader(url, options=None):
        if url in extra:
            return {"contextUrl": None, "documentUrl": url, "document": extra[url]}
        return load_bundled_context(url, options)

    return loader


W3C_LOADER = _loader_with(
    {
        "https://www.w3.org/ns/credentials/examples/v2": json.loads(
            (W3C / "credentials-examples-v2.jsonld").read_text()
        )
    }
)
ONEDTECH_LOADER = _loader_with(
    {
        "https://w3id.org/security/data-integrity/v1": json.loads(
            (ONEDTECH / "data-integrity-v1.jsonld").read_text()
        )
    }
)


@pytest.fixture
def w3c():
    expected = json.loads((W3C / "expected.json").read_text())
    signed = json.loads((W3C / "signed.json").read_text())
    return expected, signed


def test_w3c_vector_keys_decode_to_a_matching_pair(w3c):
    expected, _ = w3c
    seed = multikey.multikey_to_private_key(expected["privateKeyMultibase"])
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    assert multikey.public_key_to_multikey(public) == expected["publicKeyMultibase"]
    assert multikey.private_key_to_multikey(seed) == expected["privateKeyMultibase"]


def test_w3c_vector_each_step_matches(w3c):
    expected, signed = w3c
    unsecured = {key: value for key, value in signed.items() if key != "proof"}
    data = proofs.hash_data(unsecured, signed["proof"], W3C_LOADER)
    assert data.canonical_proof_config == expected["proofCanon"]
    assert data.proof_config_hash.hex() == expected["proofHashHex"]
    assert data.document_hash.hex() == expected["documentHashHex"]
    assert data.data_to_sign.hex() == expected["combinedHashHex"]


def test_w3c_vector_signature_is_reproduced_byte_for_byte(w3c):
    expected, signed = w3c
    unsecured = {key: value for key, value in signed.items() if key != "proof"}
    key = Ed25519PrivateKey.from_private_bytes(
        multikey.multikey_to_private_key(expected["privateKeyMultibase"])
    )
    ours = proofs.sign(
        unsecured,
        key,
        verification_method=signed["proof"]["verificationMethod"],
        created=signed["proof"]["created"],
        loader=W3C_LOADER,
    )
    proof = ours["proof"][0]
    assert proof["proofValue"] == expected["proofValue"]
    assert (
        multikey.multibase_base58btc_decode(proof["proofValue"]).hex() == (expected["signatureHex"])
    )
    # Everything but the proof's shape (we always write an array) is the published document.
    assert {**ours, "proof": proof} == signed


def test_w3c_vector_verifies_and_tampering_fails(w3c):
    expected, signed = w3c
    public = multikey.multikey_to_public_key(expected["publicKeyMultibase"])
    assert proofs.verify(signed, signed["proof"], public, W3C_LOADER)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    assert not proofs.verify(tampered, tampered["proof"], public, W3C_LOADER)


def test_onedtech_vector_hashes_signature_and_proof_value():
    expected = json.loads((ONEDTECH / "expected.json").read_text())
    proof_hash = hashlib.sha256(expected["proofNormalized"].encode()).digest()
    document_hash = hashlib.sha256(expected["documentNormalized"].encode()).digest()
    assert proof_hash.hex() == expected["proofHashHex"]
    assert document_hash.hex() == expected["documentHashHex"]
    assert (proof_hash + document_hash).hex() == expected["dataToSignHex"]
    private = bytes.fromhex(expected["privateKeyHex"])[:32]
    key = Ed25519PrivateKey.from_private_bytes(private)
    assert key.public_key().public_bytes_raw().hex() == expected["publicKeyHex"]
    assert (
        multikey.public_key_to_multikey(bytes.fromhex(expected["publicKeyHex"]))
        == (expected["publicKeyMultibase"])
    )
    signature = key.sign(proof_hash + document_hash)
    assert signature.hex() == expected["signatureHex"]
    assert multikey.multibase_base58btc_encode(signature) == expected["proofValue"]


def test_onedtech_vector_proof_configuration_canonicalizes_identically():
    expected = json.loads((ONEDTECH / "expected.json").read_text())
    config = dict(expected["proofBeforeSigning"])
    # The proof's terms all come from the data-integrity context; the VC 1.1 and early OB
    # contexts before it define none of them, so canonicalizing with it alone is equivalent.
    config["@context"] = ["https://w3id.org/security/data-integrity/v1"]
    from certificates.canonicalization import canonicalize

    assert canonicalize(config, ONEDTECH_LOADER) == expected["proofNormalized"]


def test_sign_refuses_document_that_already_has_a_proof(w3c):
    _, signed = w3c
    with pytest.raises(proofs.ProofError):
        proofs.sign(
            signed,
            Ed25519PrivateKey.generate(),
            verification_method="https://vc.example/issuers/5678#key",
            created="2023-02-24T23:36:38Z",
            loader=W3C_LOADER,
        )


@pytest.mark.parametrize("created", ["2023-02-24", "2023-02-24T23:36:38.123Z", "yesterday"])
def test_sign_refuses_non_canonical_dates(w3c, created):
    _, signed = w3c
    unsecured = {key: value for key, value in signed.items() if key != "proof"}
    with pytest.raises(proofs.ProofError):
        proofs.sign(
            unsecured,
            Ed25519PrivateKey.generate(),
            verification_method="https://vc.example/issuers/5678#key",
            created=created,
            loader=W3C_LOADER,
        )


@pytest.mark.parametrize(
    "proof",
    [
        {"type": "Ed25519Signature2020", "proofValue": "z1"},
        {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019", "proofValue": "z1"},
        {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"},
        "not an object",
    ],
)
def test_proofs_of_refuses_unsupported_shapes(proof):
    with pytest.raises(proofs.ProofError):
        proofs.proofs_of({"proof": [proof]})


def test_garbage_proof_value_does_not_verify(w3c):
    expected, signed = w3c
    public = multikey.multikey_to_public_key(expected["publicKeyMultibase"])
    bad = {**signed["proof"], "proofValue": "z" + "1" * 10}
    assert not proofs.verify(signed, bad, public, W3C_LOADER)
    with pytest.raises(proofs.ProofError):
        proofs.verify(signed, {**signed["proof"], "proofValue": "not-multibase"}, public)
