"""Demo records beyond learning: a revoked certificate and a registrar's API token.

So that the demo shows every state a verifier can meet (valid, revoked, program credential
with endorsements), and a registrar can try the reports API at once.
"""

from certificates.models import Credential
from certificates.services import credential_revoke
from reports.models import ApiToken
from reports.services import api_token_create
from universities.models import University

DEMO_REVOCATION_REASON = "Demo: issued by mistake to show a revoked certificate."
DEMO_TOKEN_NAME = "Demo student information system"  # noqa: S105 - a label, not a secret


def revoked_credential_ensure(*, actor, keep_emails: tuple[str, ...]) -> Credential | None:
    """Revoke one course credential (never the fixed demo accounts'), once."""
    already = Credential.objects.filter(revoked=True).first()
    if already is not None:
        return already
    candidate = (
        Credential.objects.filter(kind="course", revoked=False)
        .exclude(learner__email__in=keep_emails)
        .order_by("issued_at", "pk")
        .first()
    )
    if candidate is None:
        return None
    return credential_revoke(credential=candidate, reason=DEMO_REVOCATION_REASON, actor=actor)


def registrar_token_ensure(*, registrar, university_code: str) -> str | None:
    """A reports API token for the demo registrar; the secret exists only when first made."""
    university = University.objects.get(code=university_code)
    if ApiToken.objects.filter(university=university, name=DEMO_TOKEN_NAME).exists():
        return None
    _token, secret = api_token_create(
        university=university, name=DEMO_TOKEN_NAME, created_by=registrar
    )
    return secret
