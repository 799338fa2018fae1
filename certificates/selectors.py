"""Reads for views, commands and the local verifier."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime

from django.core.cache import cache
from django.utils import translation

from learning.credential_status import CertificateStatus
from universities.models import University

from .identities import identity_did_document, identity_for_did
from .models import Credential, IssuanceFailure, StatusList
from .services import site_url
from .verification import VerificationResult, parse_date, verify_credential


def credentials_for_learner(user):
    return Credential.objects.filter(learner=user).select_related("university")


def credential_records_of(user) -> list[dict]:
    """`user`'s credentials for their own data download, each with its verification address
    and the signed document itself (which is theirs to keep): one query."""
    return [
        {
            "id": str(credential.pk),
            "kind": credential.kind,
            "university": credential.university.code,
            "achievement_name": credential.achievement_name,
            "recipient_name": credential.recipient_name,
            "language": credential.language,
            "issued_at": credential.issued_at,
            "revoked": credential.revoked,
            "revocation_reason": credential.revocation_reason,
            "verification_url": site_url(f"/verify/{credential.pk}/"),
            "signed_json": credential.signed_json,
        }
        for credential in credentials_for_learner(user).order_by("issued_at", "pk")
    ]


def university_for_did(did: str) -> University | None:
    """The university whose did:web this site hosts (under any address it used), or None."""
    identity = identity_for_did(did)
    return identity.university if identity else None


class LocalResolver:
    """Resolves our own issuers' DID documents and status lists from the database.

    Only identities this site stored resolve, whatever `SITE_URL` is now; anything else is an
    unknown issuer (the site never fetches documents from elsewhere on behalf of an
    anonymous upload).
    """

    def did_document(self, did: str) -> dict | None:
        identity = identity_for_did(did)
        if identity is None or not identity.keys.exists():
            return None
        return identity_did_document(identity)

    def status_list_credential(self, url: str) -> dict | None:
        if not isinstance(url, str):
            return None
        status_list = StatusList.objects.filter(url=url).first()
        if status_list is None or not status_list.signed_json:
            return None
        return json.loads(status_list.signed_json)


def enrollment_certificate_statuses(enrollment_ids) -> dict[int, str]:
    """Certificate status of each enrollment that has a credential or a recorded failure
    (two queries whatever the number); registered with `learning.credential_status`."""
    ids = list(enrollment_ids)
    statuses = dict.fromkeys(
        IssuanceFailure.objects.filter(enrollment_id__in=ids).values_list(
            "enrollment_id", flat=True
        ),
        CertificateStatus.FAILED,
    )
    for enrollment_id, revoked in Credential.objects.filter(
        enrollment_id__in=ids, kind=Credential.Kind.COURSE
    ).values_list("enrollment_id", "revoked"):
        statuses[enrollment_id] = CertificateStatus.REVOKED if revoked else CertificateStatus.ISSUED
    return statuses


# --- The public verification page's verdicts, kept for a minute (ADR 0062) -------------------

VERIFICATION_CACHE_SECONDS = 60
_GENERATION_KEY = "certificates:verification-generation"


def verification_generation() -> int:
    """A counter every write that can change a verdict bumps (see `receivers`)."""
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        # A random start, never 1 again: an evicted counter must not reach old verdicts.
        cache.add(_GENERATION_KEY, secrets.randbits(48), timeout=None)
        generation = cache.get(_GENERATION_KEY, 0)
    return generation


def verification_generation_bump() -> None:
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): a random start reaches no old verdict
        cache.set(_GENERATION_KEY, secrets.randbits(48), timeout=None)


def _seconds_until_invalid(result: VerificationResult, now: datetime) -> float:
    """How long the verdict holds by its dates alone: until the first `validUntil`."""
    limit = float(VERIFICATION_CACHE_SECONDS)
    for checked in [result, *result.endorsements]:
        until = parse_date((checked.credential or {}).get("validUntil"))
        if until is not None:
            limit = min(limit, (until - now).total_seconds())
    return limit


class _RequestResolver(LocalResolver):
    """The local resolver, building each DID document once per verification (a credential
    and its status list name the same issuer)."""

    def __init__(self):
        self._did_documents: dict[str, dict | None] = {}

    def did_document(self, did: str) -> dict | None:
        if did not in self._did_documents:
            self._did_documents[did] = super().did_document(did)
        return self._did_documents[did]


def credential_verification(credential: Credential, document: dict) -> VerificationResult:
    """`verify_credential` of one of our credentials with the local resolver, remembered.

    Only a VALID verdict is kept, for at most a minute and never past a `validUntil`, under a
    key naming the credential, the exact signed text, the reader's language and the
    generation counter read before verifying. Everything else the verdict depends on (issuer
    keys and identities, status lists) bumps that counter when it is saved, so a revocation
    shows at once where the cache is shared (Redis) and within the minute where it is not,
    as the status list endpoint's own `max-age=60` already allows.
    """
    digest = hashlib.sha256(credential.signed_json.encode("utf-8")).hexdigest()[:32]
    generation = verification_generation()
    key = (
        f"certificates:verified:{credential.pk}:{digest}:{translation.get_language()}:{generation}"
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    now = datetime.now(UTC)
    result = verify_credential(document, _RequestResolver(), now=now)
    if result.ok:
        seconds = _seconds_until_invalid(result, now)
        if seconds >= 1:
            cache.set(key, result, timeout=int(seconds))
    return result
