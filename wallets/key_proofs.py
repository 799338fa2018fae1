"""The `jwt` key proof of OpenID4VCI 1.0 (section "jwt Proof Type") and the holder's DID.

Plain Python: no requests, no database. The Credential Endpoint hands in the compact JWT,
the Credential Issuer Identifier and the time; this module answers the holder's DID (the
`credentialSubject.id` of the bound copy) and the proof's `nonce`, or raises `KeyProofError`.
Whether the nonce is one we handed out, and still unused, is the caller's question: that
needs the database.

The key comes from the JOSE header, as the specification allows:

* `kid`: a DID URL, `did:key:z6Mk...#z6Mk...` (Ed25519) or `did:jwk:<base64url JWK>#0`;
* `jwk`: the public key itself; the holder is then named by `did:jwk`.

`x5c`, key attestations and trust chains are refused (we advertise neither).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from certificates.multikey import MultibaseError, multikey_to_public_key, public_key_to_multikey

PROOF_TYP = "openid4vci-proof+jwt"
# What the metadata advertises in `proof_signing_alg_values_supported`; the key type each
# algorithm needs is checked, so an EdDSA header cannot smuggle an EC key or the reverse.
ALGORITHMS = {"EdDSA": ("OKP", "Ed25519"), "ES256": ("EC", "P-256")}
# How far a proof's `iat` may stray from our clock, in seconds (wallets' clocks drift).
IAT_FUTURE_LEEWAY = 60
IAT_MAX_AGE = 300
MAX_PROOF_CHARS = 8_000


class KeyProofError(ValueError):
    """The key proof is missing, malformed, or not valid; the message says which (ASCII)."""


@dataclass(frozen=True)
class KeyProof:
    holder_did: str
    nonce: str
    algorithm: str


def _b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or any(c in text for c in "=+/"):
        raise KeyProofError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, binascii.Error):
        raise KeyProofError("not base64url") from None


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _public_jwk(value: object) -> jwk.JWK:
    """A public OKP/Ed25519 or EC/P-256 key from a JWK object; private parts are refused."""
    if not isinstance(value, dict):
        raise KeyProofError("the key must be a JWK object")
    if "d" in value:
        raise KeyProofError("the JWK carries a private key")
    wanted = {(kty, crv) for kty, crv in ALGORITHMS.values()}
    if (value.get("kty"), value.get("crv")) not in wanted:
        raise KeyProofError("only Ed25519 (OKP) and P-256 (EC) keys are accepted")
    try:
        key = jwk.JWK(**{k: v for k, v in value.items() if isinstance(k, str)})
    except (JWException, ValueError, TypeError, KeyError):
        raise KeyProofError("the JWK is not a valid public key") from None
    if key.has_private or not key.has_public:
        raise KeyProofError("the JWK is not a public key")
    return key


def did_jwk(key: jwk.JWK) -> str:
    """`did:jwk:` and the base64url of the public JWK's JSON (members in sorted order)."""
    public = json.loads(key.export_public())
    text = json.dumps(public, separators=(",", ":"), sort_keys=True)
    return "did:jwk:" + _b64url_encode(text.encode("utf-8"))


def did_key_ed25519(raw_public_key: bytes) -> str:
    """`did:key:` and the Ed25519 Multikey (multicodec 0xed01, base58btc)."""
    return "did:key:" + public_key_to_multikey(raw_public_key)


def _key_from_kid(kid: str) -> tuple[jwk.JWK, str]:
    """The key a DID URL names, and the DID (without fragment) that names the holder."""
    if len(kid) > 2_000 or "#" not in kid:
        raise KeyProofError("kid must be a DID URL with a fragment")
    did, fragment = kid.split("#", 1)
    if did.startswith("did:key:"):
        multikey = did.removeprefix("did:key:")
        if fragment != multikey:
            raise KeyProofError("a did:key kid's fragment must repeat its key")
        try:
            raw = multikey_to_public_key(multikey)
        except (MultibaseError, ValueError):
            raise KeyProofError("only Ed25519 did:key identifiers are accepted") from None
        key = jwk.JWK(kty="OKP", crv="Ed25519", x=_b64url_encode(raw))
        return key, did
    if did.startswith("did:jwk:"):
        if fragment != "0":
            raise KeyProofError("a did:jwk kid's fragment is #0")
        try:
            document = json.loads(_b64url_decode(did.removeprefix("did:jwk:")))
        except (ValueError, UnicodeDecodeError):
            raise KeyProofError("the did:jwk value is not a JWK") from None
        key = _public_jwk(document)
        return key, did
    raise KeyProofError("only did:key and did:jwk holders are supported")


def _segments(token: object) -> tuple[dict, dict]:
    if not isinstance(token, str) or not token or len(token) > MAX_PROOF_CHARS:
        raise KeyProofError("the proof must be a compact JWT string")
    parts = token.split(".")
    if len(parts) != 3:
        raise KeyProofError("the proof must be a compact JWS (three parts)")
    try:
        header = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
    except (ValueError, UnicodeDecodeError):
        raise KeyProofError("the proof's header or claims are not JSON") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise KeyProofError("the proof's header and claims must be JSON objects")
    return header, claims


def _holder_key(header: dict) -> tuple[jwk.JWK, str]:
    named = [name for name in ("kid", "jwk", "x5c") if name in header]
    if len(named) != 1:
        raise KeyProofError("the header must carry exactly one of kid and jwk")
    if named == ["x5c"] or "key_attestation" in header or "trust_chain" in header:
        raise KeyProofError("x5c, key attestations and trust chains are not supported")
    if named == ["kid"]:
        if not isinstance(header["kid"], str):
            raise KeyProofError("kid must be a string")
        return _key_from_kid(header["kid"])
    key = _public_jwk(header["jwk"])
    return key, did_jwk(key)


def _check_claims(claims: dict, *, audience: str, now: int) -> str:
    aud = claims.get("aud")
    if aud != audience:
        raise KeyProofError("aud must be the Credential Issuer Identifier")
    iat = claims.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise KeyProofError("iat is required (seconds since the epoch)")
    if iat > now + IAT_FUTURE_LEEWAY:
        raise KeyProofError("iat is in the future")
    if iat < now - IAT_MAX_AGE:
        raise KeyProofError("the proof is too old; make a new one")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise KeyProofError("nonce is required: take a c_nonce from the Nonce Endpoint")
    return nonce


def key_proof_verify(token: object, *, audience: str, now: int) -> KeyProof:
    """Check a `jwt` key proof: type, algorithm, the key its header names, and the claims.

    The signature is checked against the key the header names (never a key found
    elsewhere), so a proof signed by any other key is refused.
    """
    header, claims = _segments(token)
    if header.get("typ") != PROOF_TYP:
        raise KeyProofError(f"typ must be {PROOF_TYP}")
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise KeyProofError("alg must be EdDSA or ES256")
    if "crit" in header:
        raise KeyProofError("no critical header parameters are understood")
    key, holder = _holder_key(header)
    kty, crv = ALGORITHMS[algorithm]
    if key.get("kty") != kty or key.get("crv") != crv:
        raise KeyProofError("the key does not fit the algorithm")
    signed = jws.JWS()
    try:
        signed.deserialize(token)
        signed.verify(key, alg=algorithm)
    except (JWException, ValueError, TypeError):
        raise KeyProofError("the proof's signature does not verify with its header's key") from None
    nonce = _check_claims(claims, audience=audience, now=now)
    return KeyProof(holder_did=holder, nonce=nonce, algorithm=algorithm)
