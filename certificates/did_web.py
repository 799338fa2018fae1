"""did:web identifiers and DID documents for issuers.

`did:web:example.org%3A8443:universities:tju` names the document served at
`https://example.org:8443/universities/tju/did.json`: path segments become `:`-separated,
and a port's colon is percent-encoded as `%3A` (the did:web method spec).

Every key an issuer ever signed with stays listed under `assertionMethod`, so credentials
signed before a key rotation keep verifying.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from .contexts import DID_V1, MULTIKEY_V1

_SEGMENT = re.compile(r"^[A-Za-z0-9._\-]+$")


class DidError(ValueError):
    """A DID or DID document is malformed or does not authorise the key."""


def did_web(host: str, *segments: str) -> str:
    """`did_web("example.org:8443", "universities", "tju")` -> `did:web:example.org%3A8443:...`."""
    if not host or "/" in host:
        raise DidError("a did:web host is a bare host name, optionally with a port")
    for segment in segments:
        if not _SEGMENT.match(segment):
            raise DidError(f"unusable did:web path segment {segment!r}")
    return ":".join(["did:web", quote(host.lower(), safe="."), *segments])


def did_web_document_url(did: str) -> str:
    """The https URL a did:web resolver fetches (`/.well-known/did.json` for a bare host)."""
    if not did.startswith("did:web:"):
        raise DidError("not a did:web identifier")
    parts = did[len("did:web:") :].split(":")
    host = unquote(parts[0])
    if not host or any(not part for part in parts):
        raise DidError("malformed did:web identifier")
    path = "/".join(parts[1:]) if len(parts) > 1 else ".well-known"
    return f"https://{host}/{path}/did.json"


def verification_method_id(did: str, public_multikey: str) -> str:
    return f"{did}#{public_multikey}"


# Marks a retired key. The standard `revoked` and `expires` would tell verifiers to refuse
# what the key signed before it retired (Digital Bazaar's verifier refuses any method with
# `revoked`), so the mark is a property of our own, written as an absolute IRI (a URN) that
# JSON-LD processors keep or ignore and no verifier mistakes for a revocation.
RETIRED = "urn:ilm:retired"


def did_document(
    did: str,
    public_multikeys: list[str],
    *,
    retired: dict[str, str] | None = None,
    also_known_as: list[str] = (),
) -> dict:
    """The DID document listing `public_multikeys` (oldest first) as Multikey methods.

    Every key stays under `assertionMethod`; `retired` maps a key to the time it stopped
    signing new credentials, and `also_known_as` names the issuer's other DIDs.
    """
    retired = retired or {}
    methods = []
    for key in public_multikeys:
        method = {
            "id": verification_method_id(did, key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key,
        }
        if key in retired:
            method[RETIRED] = retired[key]
        methods.append(method)
    document = {"@context": [DID_V1, MULTIKEY_V1], "id": did}
    if also_known_as:
        document["alsoKnownAs"] = list(also_known_as)
    document["verificationMethod"] = methods
    document["assertionMethod"] = [method["id"] for method in methods]
    return document


def assertion_method(document: dict, method_id: str) -> dict:
    """The Multikey method `method_id` of `document`, if the DID authorises it to issue.

    Checks that the method is listed under `assertionMethod` and that the document's subject
    is its controller: only then may it sign credentials on the DID's behalf.
    """
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        raise DidError("the DID document is malformed")
    did = document["id"]
    if method_id.split("#", 1)[0] != did:
        raise DidError("the signing key does not belong to this DID")
    listed = document.get("assertionMethod") or []
    if not isinstance(listed, list):
        raise DidError("the DID document's assertionMethod is malformed")
    listed_ids = {item if isinstance(item, str) else (item or {}).get("id") for item in listed}
    if method_id not in listed_ids:
        raise DidError("the DID does not authorise this key to issue credentials")
    candidates = [item for item in listed if isinstance(item, dict)]
    candidates += [m for m in document.get("verificationMethod") or [] if isinstance(m, dict)]
    for method in candidates:
        if method.get("id") == method_id:
            if method.get("controller") != did:
                raise DidError("the key's controller is not the issuer")
            if method.get("type") != "Multikey" or not isinstance(
                method.get("publicKeyMultibase"), str
            ):
                raise DidError("the key is not an Ed25519 Multikey")
            return method
    raise DidError("the DID document does not describe the signing key")
