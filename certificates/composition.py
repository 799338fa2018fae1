"""Compose Open Badges 3.0 credentials (W3C VC 2.0) from plain data.

Only this module decides what a certificate says. The choices that keep credentials
portable (see the certificates issue, "Known pitfalls"):

* numbers are plain: whole ECTS credits are JSON integers, others have at most two
  decimals; scores are strings, as the OB schema wants for `Result.value`;
* dates are `YYYY-MM-DDTHH:MM:SSZ`;
* no `credentialSchema` (its OB type is undefined in the contexts; strict verifiers reject it);
* `credentialStatus.id` differs from `statusListCredential`;
* stray control characters in titles are removed here; canonicalization refuses any left;
* languages are BCP 47 tags as the OB schema spells them (`zh-Hans`, not Django's `zh-hans`).

The achievement's `name` is in the course language (`inLanguage`); the English edition is
given as a `related` achievement, which OB 3.0 defines for "alternate language editions",
and the credential's own `name` is English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from .contexts import OB_V3, VC_V2

CONTEXT = [VC_V2, OB_V3]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What the OB schema accepts for `inLanguage`: language, optional script, optional region.
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")


class CompositionError(ValueError):
    """The data cannot make a valid credential; the message says which field."""


@dataclass(frozen=True)
class IssuerProfile:
    did: str
    name: str
    url: str
    country_code: str  # ISO 3166-1 alpha-2, e.g. "TJ"
    country_name: str = ""


@dataclass(frozen=True)
class LearningOutcome:
    name: str
    url: str
    description: str = ""
    code: str = ""


@dataclass(frozen=True)
class AchievementData:
    id: str  # a stable URL for the course (or program) as an achievement
    name: str  # in the course language
    language: str  # BCP 47, e.g. "ru", "tg", "en"
    description: str
    criteria: str
    name_en: str = ""
    description_en: str = ""
    ects_credits: Decimal | None = None
    outcomes: tuple[LearningOutcome, ...] = ()
    achievement_type: str = "Course"  # OB AchievementType: "Course", "Degree", "Certificate", ...


@dataclass(frozen=True)
class CourseCredentialData:
    credential_id: UUID
    issuer: IssuerProfile
    achievement: AchievementData
    recipient_name: str
    issued_at: datetime
    credential_status: dict
    final_score: Decimal | None = None  # percent, 0-100
    valid_until: datetime | None = None
    endorsements: tuple[dict, ...] = field(default=())
    # More `IdentityObject`s after the name, e.g. a salted email hash (`recipient.py`).
    extra_identifiers: tuple[dict, ...] = field(default=())


def xsd_date_time(moment: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ` in UTC; naive datetimes are refused rather than guessed."""
    if moment.tzinfo is None:
        raise CompositionError("dates must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain_number(value: Decimal | int) -> int | float:
    """A JSON number every implementation writes identically: an integer, or two decimals."""
    value = Decimal(value)
    if not value.is_finite() or value < 0 or value > 10_000:
        raise CompositionError("credits must be a number between 0 and 10000")
    if value == value.to_integral_value():
        return int(value)
    if value != value.quantize(Decimal("0.01")):
        raise CompositionError("credits take at most two decimals")
    return float(value)


def language_tag(code: str) -> str:
    """A Django language code as a BCP 47 tag: `zh-hans` → `zh-Hans`, `en-us` → `en-US`.

    BCP 47 tags are case-insensitive, but the OB schema only accepts the canonical casing
    (script in title case, region in upper case), so a Chinese course would otherwise fail it.
    """
    subtags = re.split(r"[-_]", (code or "").strip())
    parts = [subtags[0].lower()]
    for subtag in subtags[1:]:
        if len(subtag) == 4 and subtag.isalpha():
            parts.append(subtag.title())
        elif len(subtag) == 2 and subtag.isalpha():
            parts.append(subtag.upper())
        else:
            parts.append(subtag.lower())
    tag = "-".join(parts)
    if not _LANGUAGE_TAG.match(tag):
        raise CompositionError(f"{code!r} is not a language code a credential can carry")
    return tag


def clean_text(value: str, field_name: str, *, required: bool = True) -> str:
    text = _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if required and not text:
        raise CompositionError(f"{field_name} is empty")
    return text


def issuer_profile(issuer: IssuerProfile) -> dict:
    address = {"type": ["Address"], "addressCountryCode": issuer.country_code.upper()}
    if issuer.country_name:
        address["addressCountry"] = clean_text(issuer.country_name, "issuer country")
    return {
        "id": issuer.did,
        "type": ["Profile"],
        "name": clean_text(issuer.name, "issuer name"),
        "url": issuer.url,
        "address": address,
    }


def achievement(data: AchievementData) -> dict:
    language = language_tag(data.language)
    result: dict = {
        "id": data.id,
        "type": ["Achievement"],
        "achievementType": data.achievement_type,
        "name": clean_text(data.name, "achievement name"),
        "description": clean_text(data.description, "achievement description"),
        "criteria": {"narrative": clean_text(data.criteria, "achievement criteria")},
        "inLanguage": language,
    }
    if data.ects_credits is not None:
        result["creditsAvailable"] = plain_number(data.ects_credits)
    if data.outcomes:
        result["alignment"] = [_alignment(outcome) for outcome in data.outcomes]
    result["resultDescription"] = [
        {
            "id": f"{data.id}#final-score",
            "type": ["ResultDescription"],
            "name": "Final score",
            "resultType": "Percent",
            "valueMin": "0",
            "valueMax": "100",
        }
    ]
    if language != "en" and data.name_en:
        related = {
            "id": f"{data.id}?lang=en",
            "type": ["Related"],
            "inLanguage": "en",
            "name": clean_text(data.name_en, "English achievement name"),
        }
        if data.description_en:
            related["description"] = clean_text(data.description_en, "English description")
        result["related"] = [related]
    return result


def _alignment(outcome: LearningOutcome) -> dict:
    alignment = {
        "type": ["Alignment"],
        "targetName": clean_text(outcome.name, "learning outcome"),
        "targetUrl": outcome.url,
        "targetType": "ceasn:Competency",
    }
    if outcome.description:
        alignment["targetDescription"] = clean_text(outcome.description, "outcome description")
    if outcome.code:
        alignment["targetCode"] = clean_text(outcome.code, "outcome code")
    return alignment


def open_badge_credential(data: CourseCredentialData) -> dict:
    """The unsigned `OpenBadgeCredential` for a completed course or program."""
    english_name = data.achievement.name_en or data.achievement.name
    subject: dict = {
        "type": ["AchievementSubject"],
        # No learner DID exists, so the learner is identified by name, as issued, unhashed:
        # that is what a verifier shows. A university may add a salted email hash.
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": clean_text(data.recipient_name, "recipient name"),
                "identityType": "name",
                "hashed": False,
            },
            *(dict(identifier) for identifier in data.extra_identifiers),
        ],
        "achievement": achievement(data.achievement),
    }
    if data.final_score is not None:
        score = Decimal(data.final_score)
        if not Decimal(0) <= score <= Decimal(100):
            raise CompositionError("the final score must be between 0 and 100")
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": f"{data.achievement.id}#final-score",
                "value": _score_text(score),
            }
        ]
    if data.achievement.ects_credits is not None:
        subject["creditsEarned"] = plain_number(data.achievement.ects_credits)
    credential: dict = {
        "@context": list(CONTEXT),
        "id": f"urn:uuid:{data.credential_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": clean_text(english_name, "credential name"),
        "issuer": issuer_profile(data.issuer),
        "validFrom": xsd_date_time(data.issued_at),
        "awardedDate": xsd_date_time(data.issued_at),
        "credentialSubject": subject,
        "credentialStatus": data.credential_status,
    }
    if data.valid_until is not None:
        credential["validUntil"] = xsd_date_time(data.valid_until)
    if data.endorsements:
        credential["endorsement"] = list(data.endorsements)
    return credential


def endorsement_credential(
    *,
    credential_id: UUID,
    endorser: IssuerProfile,
    endorsed_id: str,
    comment: str,
    issued_at: datetime,
) -> dict:
    """The unsigned `EndorsementCredential` by which a partner vouches for `endorsed_id`."""
    return {
        "@context": list(CONTEXT),
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": clean_text(f"Endorsement by {endorser.name}", "endorsement name"),
        "issuer": issuer_profile(endorser),
        "validFrom": xsd_date_time(issued_at),
        "credentialSubject": {
            "id": endorsed_id,
            "type": ["EndorsementSubject"],
            "endorsementComment": clean_text(comment, "endorsement comment"),
        },
    }


def _score_text(score: Decimal) -> str:
    text = format(score.quantize(Decimal("0.01")), "f").rstrip("0").rstrip(".")
    return text or "0"
