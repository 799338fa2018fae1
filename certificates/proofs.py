"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa).

Signing, in the spec's words: canonicalize the proof configuration (the proof without
`proofValue`, carrying the document's `@context`) and the unsecured document with RDFC-1.0,
hash each with SHA-256, concatenate the proof-configuration hash and the document hash, and
sign those 64 bytes with Ed25519. `proofValue` is the signature in base58btc multibase.

We always write `proof` as an array: the Open Badges schema requires it.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonicalization import (
    CanonicalizationError,
    DocumentLoader,
    canonicalize,
    is_xsd_date_time,
)
from .contexts import load_bundled_context
from .multikey import MultibaseError, multibase_base58btc_decode, multibase_base58btc_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(ValueError):
    """The proof is malformed or cannot be checked; the message says why."""


@dataclass(frozen=True)
class HashData:
    """The intermediate values of one signature, exposed so tests can compare each step."""

    canonical_proof_config: str
    canonical_document: str

    @property
    def proof_config_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_proof_config.encode("utf-8")).digest()

    @property
    def document_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_document.encode("utf-8")).digest()

    @property
    def data_to_sign(self) -> bytes:
        return self.proof_config_hash + self.document_hash


def hash_data(
    unsecured_document: dict, proof_config: dict, loader: DocumentLoader = load_bundled_context
) -> HashData:
    """Canonicalize the proof configuration and the document (the spec's steps 1-3)."""
    config = {key: value for key, value in proof_config.items() if key != "proofValue"}
    config["@context"] = unsecured_document.get("@context")
    return HashData(
        canonical_proof_config=canonicalize(config, loader),
        canonical_document=canonicalize(unsecured_document, loader),
    )


def proof_config(*, verification_method: str, created: str, purpose: str = "assertionMethod"):
    """The proof options we sign with; `created` is `YYYY-MM-DDTHH:MM:SSZ`."""
    if not is_xsd_date_time(created):
        raise ProofError("proof 'created' must look like 2025-01-31T12:00:00Z")
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": purpose,
    }


def sign(
    unsecured_document: dict,
    private_key: Ed25519PrivateKey,
    *,
    verification_method: str,
    created: str,
    loader: DocumentLoader = load_bundled_context,
) -> dict:
    """Return a copy of `unsecured_document` with an eddsa-rdfc-2022 proof array added."""
    if "proof" in unsecured_document:
        raise ProofError("the document already carries a proof")
    config = proof_config(verification_method=verification_method, created=created)
    data = hash_data(unsecured_document, config, loader)
    signature = private_key.sign(data.data_to_sign)
    secured = copy.deepcopy(unsecured_document)
    secured["proof"] = [{**config, "proofValue": multibase_base58btc_encode(signature)}]
    return secured


def proofs_of(secured_document: dict) -> list[dict]:
    """The top-level proofs of a document, as a list, refusing shapes we do not sign."""
    proof = secured_document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof] if proof is not None else []
    if not proofs:
        raise ProofError("the document carries no proof")
    for item in proofs:
        if not isinstance(item, dict):
            raise ProofError("a proof must be a JSON object")
        if item.get("type") != PROOF_TYPE or item.get("cryptosuite") != CRYPTOSUITE:
            raise ProofError("only DataIntegrityProof with eddsa-rdfc-2022 is supported")
        if not isinstance(item.get("verificationMethod"), str):
            raise ProofError("the proof names no verification method")
        if not isinstance(item.get("proofValue"), str):
            raise ProofError("the proof carries no proofValue")
        if "created" in item and not is_xsd_date_time(item["created"]):
            raise ProofError("the proof's 'created' date is malformed")
    return proofs


def verify(
    secured_document: dict,
    proof: dict,
    public_key: bytes,
    loader: DocumentLoader = load_bundled_context,
) -> bool:
    """True when `proof` is a valid eddsa-rdfc-2022 signature by `public_key` over the document.

    Raises `ProofError` when the proof or document cannot even be processed.
    """
    unsecured = {key: value for key, value in secured_document.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in options:
        # The spec lets a proof carry @context only as a prefix of the document's.
        proof_context = options["@context"]
        proof_context = proof_context if isinstance(proof_context, list) else [proof_context]
        doc_context = unsecured.get("@context")
        doc_context = doc_context if isinstance(doc_context, list) else [doc_context]
        if doc_context[: len(proof_context)] != proof_context:
            raise ProofError("the proof's @context does not match the document's")
    try:
        signature = multibase_base58btc_decode(proof.get("proofValue", ""))
    except MultibaseError as error:
        raise ProofError(f"proofValue: {error}") from error
    if len(signature) != 64:
        return False
    try:
        data = hash_data(unsecured, options, loader)
    except CanonicalizationError as error:
        raise ProofError(str(error)) from error
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data.data_to_sign)
    except (InvalidSignature, ValueError):
        return False
    return True
