"""A wallet, written from OpenID4VCI 1.0 alone, that talks to the issuer over real HTTP.

It knows nothing of Ilm's code: it reads the offer link, discovers the endpoints from the
two well-known documents, and builds its key proofs by hand (compact JWS from RFC 7515,
signed with `cryptography`), so the issuer's JOSE library is not checking its own output.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME = "openid-credential-offer"
# Multicodec ed25519-pub, then base58btc (the did:key method).
ED25519_PUB = b"\xed\x01"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b58(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


@dataclass
class WalletKey:
    """The wallet's own key: Ed25519 (did:key or a jwk header) or P-256 (a jwk header)."""

    algorithm: str = "EdDSA"
    private: object = None

    def __post_init__(self):
        if self.private is None:
            self.private = (
                Ed25519PrivateKey.generate()
                if self.algorithm == "EdDSA"
                else ec.generate_private_key(ec.SECP256R1())
            )

    def public_jwk(self) -> dict:
        public = self.private.public_key()
        if self.algorithm == "EdDSA":
            raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
            return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
        numbers = public.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }

    @property
    def did_key(self) -> str:
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return "did:key:z" + b58(ED25519_PUB + raw)

    def sign(self, data: bytes) -> bytes:
        if self.algorithm == "EdDSA":
            return self.private.sign(data)
        r, s = decode_dss_signature(self.private.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def compact_jws(header: dict, claims: dict, signer: WalletKey) -> str:
    signing_input = (
        b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    ).encode("ascii")
    return signing_input.decode("ascii") + "." + b64url(signer.sign(signing_input))


@dataclass
class Wallet:
    key: WalletKey = field(default_factory=WalletKey)
    http: requests.Session = field(default_factory=requests.Session)
    offer: dict = field(default_factory=dict)
    issuer_metadata: dict = field(default_factory=dict)
    as_metadata: dict = field(default_factory=dict)
    access_token: str = ""

    # --- discovery ----------------------------------------------------------------------
    def receive_offer(self, link: str) -> dict:
        """Section 4.1: `openid-credential-offer://?credential_offer=<JSON>` (by value)."""
        parts = urlsplit(link)
        assert parts.scheme == OFFER_SCHEME, link
        query = parse_qs(parts.query)
        assert list(query) == ["credential_offer"], query
        self.offer = json.loads(query["credential_offer"][0])
        return self.offer

    def discover(self) -> None:
        """Sections 12.2 and 12.3: the issuer's metadata, then its authorization server's."""
        issuer = self.offer["credential_issuer"]
        answer = self.http.get(issuer + "/.well-known/openid-credential-issuer", timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"].startswith("application/json")
        self.issuer_metadata = answer.json()
        # Identical, by simple string comparison, or the metadata must not be used.
        assert self.issuer_metadata["credential_issuer"] == issuer
        server = self.issuer_metadata.get("authorization_servers", [issuer])[0]
        answer = self.http.get(server + "/.well-known/oauth-authorization-server", timeout=30)
        assert answer.status_code == 200, answer.text
        self.as_metadata = answer.json()
        assert self.as_metadata["issuer"] == server
        for configuration_id in self.offer["credential_configuration_ids"]:
            assert configuration_id in self.issuer_metadata["credential_configurations_supported"]

    @property
    def pre_authorized_code(self) -> str:
        return self.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]

    # --- token, nonce, credential ---------------------------------------------------------
    def token_request(self, code: str | None = None, **extra) -> requests.Response:
        """Section 6.1: form-encoded, grant type and code, no client authentication."""
        form = {
            "grant_type": PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": self.pre_authorized_code if code is None else code,
            **extra,
        }
        return self.http.post(self.as_metadata["token_endpoint"], data=form, timeout=30)

    def get_token(self) -> str:
        answer = self.token_request()
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["token_type"].lower() == "bearer"
        assert "no-store" in answer.headers["Cache-Control"]
        self.access_token = body["access_token"]
        return self.access_token

    def get_nonce(self) -> str:
        """Section 7: POST, no token, answers `c_nonce`, uncacheable."""
        answer = self.http.post(self.issuer_metadata["nonce_endpoint"], timeout=30)
        assert answer.status_code == 200, answer.text
        assert "no-store" in answer.headers["Cache-Control"]
        return answer.json()["c_nonce"]

    def key_proof(
        self,
        nonce: str,
        *,
        use_jwk_header: bool = False,
        signer: WalletKey | None = None,
        header: dict | None = None,
        claims: dict | None = None,
    ) -> str:
        """Appendix F.1: typ openid4vci-proof+jwt; aud the issuer, iat now, nonce c_nonce."""
        jose = {"typ": "openid4vci-proof+jwt", "alg": self.key.algorithm}
        if use_jwk_header or self.key.algorithm != "EdDSA":
            jose["jwk"] = self.key.public_jwk()
        else:
            jose["kid"] = f"{self.key.did_key}#{self.key.did_key.removeprefix('did:key:')}"
        body = {"aud": self.offer["credential_issuer"], "iat": int(time.time()), "nonce": nonce}
        return compact_jws(
            {**jose, **(header or {})}, {**body, **(claims or {})}, signer or self.key
        )

    def credential_request(self, body: dict, token: str | None = None) -> requests.Response:
        """Section 8.2: JSON body, the access token as a Bearer token."""
        return self.http.post(
            self.issuer_metadata["credential_endpoint"],
            json=body,
            headers={"Authorization": f"Bearer {token or self.access_token}"},
            timeout=60,
        )

    def bound_request(self, proof: str) -> dict:
        return {
            "credential_configuration_id": self.bound_configuration_id(),
            "proofs": {"jwt": [proof]},
        }

    def bound_configuration_id(self) -> str:
        """The offered configuration that binds to a key this wallet can prove (jwt, EdDSA)."""
        supported = self.issuer_metadata["credential_configurations_supported"]
        for configuration_id in self.offer["credential_configuration_ids"]:
            configuration = supported[configuration_id]
            jwt_proofs = configuration.get("proof_types_supported", {}).get("jwt", {})
            if configuration["format"] == "ldp_vc" and self.key.algorithm in jwt_proofs.get(
                "proof_signing_alg_values_supported", []
            ):
                return configuration_id
        raise AssertionError("no offered configuration binds to this wallet's key")

    def unbound_configuration_id(self) -> str:
        supported = self.issuer_metadata["credential_configurations_supported"]
        for configuration_id in self.offer["credential_configuration_ids"]:
            if "proof_types_supported" not in supported[configuration_id]:
                return configuration_id
        raise AssertionError("no offered configuration without binding")
