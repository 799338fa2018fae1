"""How a credential identifies its learner: by name, and optionally by a salted email hash.

Open Badges 3.0 identifies a subject with `IdentityObject`s. The name is always there, in
plain text (it is what a verifier reads). A university may add the learner's email as an
`IdentityHash`: `"sha256$" + hex(sha256(email + salt))`, with `hashed: true` and the salt
beside it, so a verifier who is told an address can check it while the credential reveals
none. The address is trimmed and lower-cased before hashing (mail providers treat it so, and
a learner typing `Aziza@TNU.tj` must match); the salt is 16 random bytes in hex, one per
credential, so two credentials of one learner cannot be linked by their hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALGORITHM = "sha256"
EMAIL = "emailAddress"


def normalised_email(email: str) -> str:
    return (email or "").strip().lower()


def identity_hash(identity: str, salt: str) -> str:
    """The OB 3.0 IdentityHash of `identity` salted with `salt` (both UTF-8)."""
    digest = hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()
    return f"{ALGORITHM}${digest}"


def hashed_email_identity(email: str, *, salt: str | None = None) -> dict:
    """The `IdentityObject` carrying a salted hash of `email`."""
    address = normalised_email(email)
    if "@" not in address:
        raise ValueError("not an email address")
    salt = salt if salt is not None else secrets.token_hex(16)
    return {
        "type": "IdentityObject",
        "identityHash": identity_hash(address, salt),
        "identityType": EMAIL,
        "hashed": True,
        "salt": salt,
    }


def credential_matches_email(credential: dict, email: str) -> bool:
    """Whether a credential's subject carries a hashed email identity for `email`.

    For verifiers: run it on a credential whose signature `verify_credential` has accepted
    (the hash proves nothing about a forged one). False when the credential has no hashed
    email, or uses an algorithm other than SHA-256 (MD5 is allowed by the specification, and
    refused here).
    """
    subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
    identifiers = subject.get("identifier") if isinstance(subject, dict) else None
    address = normalised_email(email)
    if not isinstance(identifiers, list) or not address:
        return False
    for item in identifiers:
        if not isinstance(item, dict) or item.get("identityType") != EMAIL:
            continue
        if item.get("hashed") is not True:
            continue
        stored, salt = item.get("identityHash"), item.get("salt", "")
        if not isinstance(stored, str) or not isinstance(salt, str):
            continue
        algorithm, _, digest = stored.partition("$")
        if algorithm.lower() != ALGORITHM:
            continue
        expected = identity_hash(address, salt).partition("$")[2]
        if hmac.compare_digest(digest.lower().encode(), expected.encode()):
            return True
    return False
