"""What the verification pages show of a `VerificationResult`: a verdict a reader takes in at a
glance (a tone, an icon, words), each check with its outcome, and the links a holder shares.

`verify_credential` stops at the first failure, in this order: signature (with the issuer's
key), revocation status, dates. A check after the failing one was not made, and the page says
so rather than claiming it passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from .verification import Verdict, VerificationResult, issuer_id, parse_date


class Tone:
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    INVALID = "invalid"


TONES = {
    Verdict.VALID: Tone.VALID,
    Verdict.REVOKED: Tone.REVOKED,
    Verdict.EXPIRED: Tone.EXPIRED,
    Verdict.NOT_YET_VALID: Tone.EXPIRED,
}

HEADLINES = {
    Tone.VALID: _("This credential is valid."),
    Tone.REVOKED: _("This credential has been revoked by its issuer."),
    Tone.EXPIRED: _("This credential is not valid at this date."),
    Tone.INVALID: _("This credential could not be verified."),
}


class Outcome:
    PASSED = "passed"
    FAILED = "failed"
    NOT_CHECKED = "not-checked"


OUTCOME_LABELS = {
    Outcome.PASSED: _("Passed"),
    Outcome.FAILED: _("Failed"),
    Outcome.NOT_CHECKED: _("Not checked"),
}


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    outcome: str
    detail: str

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


P, F, N = Outcome.PASSED, Outcome.FAILED, Outcome.NOT_CHECKED

# (signature, issuer, status, dates) for each verdict, following the verifier's order.
OUTCOMES = {
    Verdict.VALID: (P, P, P, P),
    Verdict.EXPIRED: (P, P, P, F),
    Verdict.NOT_YET_VALID: (P, P, P, F),
    Verdict.REVOKED: (P, P, F, N),
    Verdict.STATUS_UNKNOWN: (P, P, F, N),
    Verdict.UNKNOWN_ISSUER: (N, F, N, N),
    Verdict.TAMPERED: (F, N, N, N),
    Verdict.MALFORMED: (F, N, N, N),
}

DETAILS = {
    ("signature", P): _("The content is exactly what the issuer signed."),
    ("signature", F): _("The signature does not match this content, or there is none."),
    ("issuer", P): _("The signing key is listed in the issuer's public identity document."),
    ("issuer", F): _("The issuer's identity could not be looked up."),
    ("status", P): _("The issuer's revocation list does not list it."),
    ("status", F): _("It is revoked, or its revocation status cannot be read."),
    ("dates", P): _("It is within its validity dates."),
    ("dates", F): _("It is outside its validity dates."),
}

CHECK_LABELS = {
    "signature": _("Signature"),
    "issuer": _("Issuer"),
    "status": _("Revocation status"),
    "dates": _("Validity dates"),
}


def tone(result: VerificationResult) -> str:
    return TONES.get(result.verdict, Tone.INVALID)


def headline(result: VerificationResult) -> str:
    return str(HEADLINES[tone(result)])


def checks(result: VerificationResult) -> list[Check]:
    """Each of the four checks with its outcome, in the order they were made."""
    outcomes = OUTCOMES[result.verdict]
    found = []
    for key, outcome in zip(("signature", "issuer", "status", "dates"), outcomes, strict=True):
        detail = DETAILS.get((key, outcome), _("Not checked: an earlier check failed."))
        found.append(Check(key, str(CHECK_LABELS[key]), outcome, str(detail)))
    return found


def issuer_identity(document: dict | None) -> dict:
    """The issuer as the credential names it: its name and its DID."""
    document = document if isinstance(document, dict) else {}
    issuer = document.get("issuer")
    name = issuer.get("name") if isinstance(issuer, dict) else ""
    return {"name": name if isinstance(name, str) else "", "did": issuer_id(document) or ""}


LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def linkedin_add_url(
    *, name: str, organization: str, issued: str, url: str, credential_id: str
) -> str:
    """LinkedIn's "Add to profile" address for a certification, filled in from the credential.

    `issued` is the credential's `validFrom`; the year and month are what LinkedIn asks for.
    """
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": organization,
        "certUrl": url,
        "certId": credential_id,
    }
    moment = parse_date(issued)
    if moment is not None:
        params.update(issueYear=str(moment.year), issueMonth=str(moment.month))
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(params)}"
