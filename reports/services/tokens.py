"""API tokens for a university's student information system: created with a secret shown
once, stored as a SHA-256 digest, revoked for good.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..errors import ReportError
from ..models import ApiToken

TOKEN_PREFIX = "ilm_"  # noqa: S105 - a public marker, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, university, name: str, created_by) -> tuple[ApiToken, str]:
    """A new token for `university`'s reports. Returns the token row and the secret, which is
    not stored (only its SHA-256) and cannot be shown again."""
    name = (name or "").strip()
    if not name or len(name) > 100 or any(ord(ch) < 32 for ch in name):
        raise ReportError("bad_name", _("Give the token a name of up to 100 characters."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 bits of randomness
    token = ApiToken(
        name=name,
        university=university,
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        prefix=raw[: len(TOKEN_PREFIX) + 4],
        digest=token_digest(raw),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=created_by,
        action="api_token.created",
        university=university,
        target=token,
        summary=f"API token {token.prefix}… '{name}'",
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token for good; idempotent."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoked",
            university=token.university,
            target=token,
            summary=f"API token {token.prefix}… revoked",
        )
    return token


def api_token_authenticate(raw: str | None) -> ApiToken | None:
    """The active token matching `raw`, with `last_used_at` brought up to date."""
    if not raw or len(raw) > 200 or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("university", "created_by")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # One write a minute at most: a busy integration should not turn reads into writes.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
