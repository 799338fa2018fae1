"""API tokens for a university's student information system: created with a secret shown
once, stored as a SHA-256 digest, revoked for good.

A token is bound to a living role: it acts for its creator as a registrar of its university,
so it works only while the creator is active and still holds that role there (checked through
the access core on every use), and it expires (`ILM_API_TOKEN_DEFAULT_DAYS`, at most
`ILM_API_TOKEN_MAX_DAYS`). Losing the role cuts every token at once (`api_tokens_cut`, run by
the receivers when a membership goes or an account is deactivated or deleted).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from universities.access import may_act_for
from universities.models import Role

from ..errors import ReportError
from ..models import ApiToken

TOKEN_PREFIX = "ilm_"  # noqa: S105 - a public marker, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_default_days() -> int:
    return min(settings.ILM_API_TOKEN_DEFAULT_DAYS, settings.ILM_API_TOKEN_MAX_DAYS)


def _lifetime_days(requested) -> int:
    """The lifetime asked for, in days: the deployment's default when empty."""
    most = settings.ILM_API_TOKEN_MAX_DAYS
    if requested in (None, ""):
        return api_token_default_days()
    try:
        days = int(str(requested).strip())
    except ValueError:
        days = 0
    if not 1 <= days <= most:
        raise ReportError(
            "bad_lifetime",
            _("Choose a lifetime between 1 and %(most)d days.") % {"most": most},
        )
    return days


@transaction.atomic
def api_token_create(
    *, university, name: str, created_by, lifetime_days=None
) -> tuple[ApiToken, str]:
    """A new token for `university`'s reports, acting for `created_by` as its registrar.
    Returns the token row and the secret, which is not stored (only its SHA-256) and cannot
    be shown again."""
    name = (name or "").strip()
    if not name or len(name) > 100 or any(ord(ch) < 32 for ch in name):
        raise ReportError("bad_name", _("Give the token a name of up to 100 characters."))
    days = _lifetime_days(lifetime_days)
    if not may_act_for(created_by, university.pk, Role.REGISTRAR):
        raise ReportError("no_role", _("Only this university's registrars can create tokens."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 bits of randomness
    token = ApiToken(
        name=name,
        university=university,
        created_by=created_by,
        role=Role.REGISTRAR,
        expires_at=timezone.now() + timedelta(days=days),
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
def api_token_revoke(*, token: ApiToken, actor, reason: str = "revoked") -> ApiToken:
    """Revoke a token for good; idempotent. `reason` says why ("revoked" by a person,
    "role_lost" when its creator no longer holds the role)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_reason = reason
        token.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(
            actor=actor,
            action="api_token.revoked",
            university=token.university,
            target=token,
            summary=f"API token {token.prefix}… revoked ({reason})",
            details={"reason": reason},
        )
    return token


def _holder_keeps_role(token: ApiToken) -> bool:
    return token.created_by is not None and may_act_for(
        token.created_by, token.university_id, token.role
    )


@transaction.atomic
def api_tokens_cut(user, *, everything: bool = False) -> int:
    """Revoke each live token `user` created whose role they no longer hold (all of them
    with `everything`, for an account being deleted). Returns how many were cut."""
    cut = 0
    live = ApiToken.objects.filter(created_by=user, revoked_at__isnull=True)
    for token in live.select_related("university", "created_by"):
        if everything or not _holder_keeps_role(token):
            api_token_revoke(token=token, actor=None, reason="role_lost")
            cut += 1
    return cut


def api_token_authenticate(raw: str | None) -> ApiToken | None:
    """The active token matching `raw`, with `last_used_at` brought up to date."""
    if not raw or len(raw) > 200 or not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("university", "created_by")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None:
        return None
    if not _holder_keeps_role(token):
        # The role went without the receivers hearing of it (a bulk update, a direct SQL
        # change): the token dies now, on its first use after.
        api_token_revoke(token=token, actor=None, reason="role_lost")
        return None
    # One write a minute at most: a busy integration should not turn reads into writes.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
