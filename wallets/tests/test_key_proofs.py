"""The `jwt` key proof checks, one refusal at a time (no database, no HTTP)."""

import time

import pytest

from wallets.key_proofs import KeyProofError, key_proof_verify

from .wallet_client import WalletKey, compact_jws

AUD = "https://ilm.example"


def _proof(key, *, header=None, claims=None, signer=None, drop=()):
    did = key.did_key if key.algorithm == "EdDSA" else None
    jose = {"typ": "openid4vci-proof+jwt", "alg": key.algorithm}
    if did:
        jose["kid"] = f"{did}#{did.removeprefix('did:key:')}"
    else:
        jose["jwk"] = key.public_jwk()
    body = {"aud": AUD, "iat": int(time.time()), "nonce": "n-1"}
    jose, body = {**jose, **(header or {})}, {**body, **(claims or {})}
    for name in drop:
        jose.pop(name, None)
        body.pop(name, None)
    return compact_jws(jose, body, signer or key)


def _verify(token):
    return key_proof_verify(token, audience=AUD, now=int(time.time()))


def test_a_did_key_proof_names_its_holder():
    key = WalletKey()
    proof = _verify(_proof(key))
    assert proof.holder_did == key.did_key and proof.nonce == "n-1"


def test_a_jwk_header_names_the_holder_by_did_jwk_and_its_kid_form_agrees():
    key = WalletKey(algorithm="ES256")
    holder = _verify(_proof(key)).holder_did
    assert holder.startswith("did:jwk:")
    again = _proof(key, header={"kid": holder + "#0"}, drop=("jwk",))
    assert _verify(again).holder_did == holder


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"header": {"alg": "none"}}, "alg"),
        ({"header": {"alg": "HS256"}}, "alg"),
        ({"header": {"typ": "JWT"}}, "typ"),
        ({"header": {"x5c": ["MIIB"]}}, "exactly one"),
        ({"header": {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AA"}}}, "exactly one"),
        ({"header": {"crit": ["exp"]}}, "critical"),
        ({"claims": {"aud": "https://other.example"}}, "aud"),
        ({"claims": {"aud": [AUD]}}, "aud"),
        ({"claims": {"iat": int(time.time()) + 3600}}, "future"),
        ({"claims": {"iat": "now"}}, "iat"),
        ({"claims": {"nonce": ""}}, "nonce"),
        ({"drop": ("nonce",)}, "nonce"),
        ({"signer": WalletKey()}, "signature"),
    ],
)
def test_refusals(change, message):
    with pytest.raises(KeyProofError, match=message):
        _verify(_proof(WalletKey(), **change))


def test_a_did_key_whose_fragment_names_another_key_is_refused():
    key, other = WalletKey(), WalletKey()
    kid = f"{key.did_key}#{other.did_key.removeprefix('did:key:')}"
    with pytest.raises(KeyProofError, match="fragment"):
        _verify(_proof(key, header={"kid": kid}))


def test_an_eddsa_header_with_an_ec_key_is_refused():
    ec_key = WalletKey(algorithm="ES256")
    with pytest.raises(KeyProofError, match="algorithm"):
        _verify(_proof(ec_key, header={"alg": "EdDSA"}))


def test_a_jwk_with_a_private_part_is_refused():
    key = WalletKey(algorithm="ES256")
    leaked = {**key.public_jwk(), "d": "AAAA"}
    with pytest.raises(KeyProofError, match="private"):
        _verify(_proof(key, header={"jwk": leaked}))
