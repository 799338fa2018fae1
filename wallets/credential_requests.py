"""Reading a Credential Request body (OpenID4VCI 1.0, "Credential Request").

Plain Python: it answers what the wallet asked for or raises `WalletError` with the
specification's error code. Accepted: `credential_configuration_id`, and for the holder-bound
configuration exactly one `jwt` key proof, as `proofs: {"jwt": [JWT]}` (1.0) or as the
drafts' `proof: {"proof_type": "jwt", "jwt": JWT}`, which some wallets still send.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .metadata import CONFIGURATIONS, HOLDER_BOUND
from .services import WalletError

MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class CredentialRequest:
    configuration_id: str
    proof_jwt: str | None


def _bad(description: str) -> WalletError:
    return WalletError("invalid_credential_request", description)


def _proof_jwt(body: dict) -> str | None:
    if "proofs" in body and "proof" in body:
        raise _bad("send proofs or proof, not both")
    if "proofs" in body:
        proofs = body["proofs"]
        if not isinstance(proofs, dict) or len(proofs) != 1:
            raise WalletError("invalid_proof", "proofs must name exactly one proof type")
        if "jwt" not in proofs:
            raise WalletError("invalid_proof", "only the jwt proof type is supported")
        jwts = proofs["jwt"]
        if not isinstance(jwts, list) or not jwts:
            raise WalletError("invalid_proof", "proofs.jwt must be a non-empty array")
        if len(jwts) > 1:
            raise _bad("batch issuance is not supported: send one proof")
        if not isinstance(jwts[0], str):
            raise WalletError("invalid_proof", "a jwt proof is a string")
        return jwts[0]
    if "proof" in body:
        proof = body["proof"]
        if not isinstance(proof, dict) or proof.get("proof_type") != "jwt":
            raise WalletError("invalid_proof", "proof.proof_type must be jwt")
        if not isinstance(proof.get("jwt"), str):
            raise WalletError("invalid_proof", "proof.jwt must be a string")
        return proof["jwt"]
    return None


def credential_request_parse(raw: bytes) -> CredentialRequest:
    """What a Credential Request body asks for, or the error the specification names."""
    if len(raw) > MAX_BODY_BYTES:
        raise _bad("the request body is too large")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise _bad("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise _bad("the body must be a JSON object")
    if "credential_response_encryption" in body:
        raise WalletError("invalid_encryption_parameters", "response encryption is not supported")
    if "credential_identifier" in body:
        raise _bad("use credential_configuration_id; no credential_identifiers were issued")
    configuration_id = body.get("credential_configuration_id")
    if not isinstance(configuration_id, str) or not configuration_id:
        raise _bad("credential_configuration_id is required")
    if configuration_id not in CONFIGURATIONS:
        raise WalletError("unknown_credential_configuration", "unknown credential configuration")
    proof_jwt = _proof_jwt(body)
    if configuration_id == HOLDER_BOUND and proof_jwt is None:
        raise WalletError("invalid_proof", "this configuration binds to a key: send proofs")
    if configuration_id != HOLDER_BOUND and proof_jwt is not None:
        raise _bad("this configuration is not bound to a key: ask for the holder-bound one")
    return CredentialRequest(configuration_id=configuration_id, proof_jwt=proof_jwt)
