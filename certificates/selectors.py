"""Reads for views, commands and the local verifier."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings

from learning.credential_status import CertificateStatus
from universities.models import University

from .models import Credential, IssuanceFailure, StatusList
from .services import issuer_did, site_url, university_did_document


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
    """The university whose did:web this site hosts, or None."""
    parts = did.split(":") if isinstance(did, str) else []
    if len(parts) != 5 or parts[3] != "universities":
        return None
    university = University.objects.filter(code=parts[4]).first()
    if university is None or issuer_did(university) != did:
        return None
    return university


class LocalResolver:
    """Resolves our own issuers' DID documents and status lists from the database.

    Only identities this site hosts resolve; anything else is an unknown issuer (the site
    never fetches documents from elsewhere on behalf of an anonymous upload).
    """

    def did_document(self, did: str) -> dict | None:
        university = university_for_did(did)
        if university is None or not university.issuer_keys.exists():
            return None
        return university_did_document(university)

    def status_list_credential(self, url: str) -> dict | None:
        site = urlsplit(settings.SITE_URL)
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return None
        segments = parts.path.strip("/").split("/")
        if len(segments) != 4 or segments[0] != "universities" or segments[2] != "status":
            return None
        if not segments[3].isdigit():
            return None
        status_list = StatusList.objects.filter(
            university__code=segments[1], number=int(segments[3])
        ).first()
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
