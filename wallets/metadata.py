"""What the issuer publishes: Credential Issuer metadata and OAuth Authorization Server
metadata (OpenID4VCI 1.0, RFC 8414), and the two credential configurations.

The Credential Issuer is the platform (`SITE_URL`); each credential it hands out is signed by
its university's own DID, as stored. One configuration delivers the stored credential as
signed; the other binds a copy to the holder's key and so requires a key proof (the spec:
`proofs` MUST be sent when `proof_types_supported` is advertised).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from certificates.composition import CONTEXT

from .key_proofs import ALGORITHMS

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
UNBOUND = "OpenBadgeCredential"
HOLDER_BOUND = "OpenBadgeCredential_holder_bound"
CONFIGURATIONS = (UNBOUND, HOLDER_BOUND)
BINDING_METHODS = ["did:key", "did:jwk"]


def credential_issuer() -> str:
    """The Credential Issuer Identifier: the site's origin, no trailing slash."""
    return settings.SITE_URL.rstrip("/")


def endpoint(name: str) -> str:
    return credential_issuer() + reverse(name)


def _configuration(*, bound: bool) -> dict:
    configuration = {
        "format": "ldp_vc",
        "credential_definition": {
            "@context": list(CONTEXT),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
        },
        "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
        "credential_metadata": {
            "display": [
                {
                    "name": "Open Badge (holder-bound)" if bound else "Open Badge",
                    "locale": "en",
                    "description": "A course or program certificate issued through Ilm",
                }
            ]
        },
    }
    if bound:
        configuration["cryptographic_binding_methods_supported"] = list(BINDING_METHODS)
        configuration["proof_types_supported"] = {
            "jwt": {"proof_signing_alg_values_supported": sorted(ALGORITHMS)}
        }
    return configuration


def issuer_metadata() -> dict:
    issuer = credential_issuer()
    return {
        "credential_issuer": issuer,
        "authorization_servers": [issuer],
        "credential_endpoint": endpoint("wallets:credential"),
        "nonce_endpoint": endpoint("wallets:nonce"),
        "display": [{"name": "Ilm", "locale": "en"}],
        "credential_configurations_supported": {
            UNBOUND: _configuration(bound=False),
            HOLDER_BOUND: _configuration(bound=True),
        },
    }


def authorization_server_metadata() -> dict:
    issuer = credential_issuer()
    return {
        "issuer": issuer,
        "token_endpoint": endpoint("wallets:token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }


def credential_offer(pre_authorized_code: str) -> dict:
    """The Credential Offer object (by value) for one pre-authorised code."""
    return {
        "credential_issuer": credential_issuer(),
        "credential_configuration_ids": list(CONFIGURATIONS),
        "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": pre_authorized_code}},
    }
