"""Checking a platform's id_token (LTI Core 1.3 §5.1.3, IMS Security Framework §5.1.3).

Plain Python, no requests: `launch_claims` takes the token, the registration's expected values
and a `keyset(refresh)` callable, and returns the verified claims or raises `LaunchError`
with a code the view logs and a message the person reads.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
MESSAGE_TYPES = (RESOURCE_LINK, DEEP_LINKING)
LEEWAY_SECONDS = 60
INSTRUCTOR_ROLES = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
)


class LaunchError(Exception):
    """A launch refused; `status` is the HTTP answer (400 for a bad token, 403 for a refusal)."""

    def __init__(self, code: str, message, status: int = 400):
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Expected:
    issuer: str
    client_id: str
    deployments: tuple[str, ...]
    nonce: str


def _header(token: str) -> dict:
    try:
        signed = jws.JWS()
        signed.deserialize(token)
        return json.loads(signed.objects["protected"])
    except (ValueError, JWException, TypeError, KeyError):
        raise LaunchError("malformed", _("The launch token is not a valid JWT.")) from None


def _verify(token: str, keyset: Callable[[bool], jwk.JWKSet]) -> dict:
    header = _header(token)
    if header.get("alg") != "RS256":
        raise LaunchError("bad_alg", _("The launch token is not signed with RS256."))
    kid = header.get("kid")
    keys = keyset(False)
    if kid and keys.get_key(kid) is None:
        keys = keyset(True)  # the platform may have rotated: fetch once more
    candidates = [keys.get_key(kid)] if kid else list(keys["keys"])
    for key in candidates:
        if key is None:
            continue
        try:
            checked = jwt.JWT(jwt=token, key=key, algs=["RS256"], check_claims=False)
            return json.loads(checked.claims)
        except (JWException, ValueError):
            continue
    raise LaunchError("bad_signature", _("The launch token's signature does not verify."))


def launch_claims(
    token: str, expected: Expected, keyset: Callable[[bool], jwk.JWKSet], *, now=None
) -> dict:
    """Verify `token` and every claim LTI 1.3 asks a tool to check; return the claims."""
    claims = _verify(token, keyset)
    now = now or time.time()
    if claims.get("iss") != expected.issuer:
        raise LaunchError("wrong_iss", _("The launch token comes from another platform."))
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if expected.client_id not in audiences:
        raise LaunchError("wrong_aud", _("The launch token was issued for another tool."))
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != expected.client_id:
        raise LaunchError("wrong_azp", _("The launch token was issued for another tool."))
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or exp < now - LEEWAY_SECONDS:
        raise LaunchError("expired", _("The launch token has expired. Launch again."))
    if not isinstance(iat, int | float) or iat > now + LEEWAY_SECONDS:
        raise LaunchError("bad_iat", _("The launch token is dated in the future."))
    if not claims.get("nonce") or claims.get("nonce") != expected.nonce:
        raise LaunchError("bad_nonce", _("The launch token does not belong to this sign-in."))
    if claims.get(LTI + "deployment_id") not in expected.deployments:
        raise LaunchError(
            "unknown_deployment", _("This deployment of Ilm is not known."), status=403
        )
    if claims.get(LTI + "message_type") not in MESSAGE_TYPES:
        raise LaunchError("wrong_message_type", _("Ilm does not accept this kind of launch."))
    if claims.get(LTI + "version") != "1.3.0":
        raise LaunchError("wrong_version", _("Ilm accepts LTI 1.3 launches only."))
    if not claims.get("sub"):
        raise LaunchError("no_sub", _("The launch does not say who is launching."))
    if claims[LTI + "message_type"] == RESOURCE_LINK and not (
        claims.get(LTI + "resource_link") or {}
    ).get("id"):
        raise LaunchError("no_resource_link", _("The launch names no resource link."))
    return claims


def is_instructor(claims: dict) -> bool:
    return any(role in INSTRUCTOR_ROLES for role in claims.get(LTI + "roles") or [])


LOCALES = {
    "tg": "tg",
    "ru": "ru",
    "kk": "kk",
    "uz": "uz",
    "ky": "ky",
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-hans": "zh-hans",
    "zh-sg": "zh-hans",
    "en": "en",
}


def language_of(claims: dict, default: str) -> str:
    """`launch_presentation.locale` (e.g. "ru_RU", "zh-CN", "kk") as one of Ilm's languages."""
    locale = str((claims.get(LTI + "launch_presentation") or {}).get("locale") or "")
    tag = locale.replace("_", "-").lower()
    if tag in LOCALES:
        return LOCALES[tag]
    return LOCALES.get(tag.split("-")[0], default)
