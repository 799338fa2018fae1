"""What every endpoint of the test platform shares: its key, its URLs, JSON answers, JWTs."""

from __future__ import annotations

import json
import secrets
import time
from urllib.parse import urlparse

import requests
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCOPE_LINEITEM = AGS_SCOPE + "lineitem"
SCOPE_LINEITEM_READ = AGS_SCOPE + "lineitem.readonly"
SCOPE_RESULT_READ = AGS_SCOPE + "result.readonly"
SCOPE_SCORE = AGS_SCOPE + "score"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
ALL_SCOPES = [SCOPE_LINEITEM, SCOPE_LINEITEM_READ, SCOPE_RESULT_READ, SCOPE_SCORE, SCOPE_NRPS]
MESSAGE_TYPES = ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"]
ROLE_SHORTCUTS = {
    "learner": "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
    "instructor": "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "mentor": "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor",
    "administrator": "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
}
CLOCK_SKEW = 60


class Refused(Exception):
    """A request the platform turns down: `status`, an error code and a description."""

    def __init__(self, status: int, error: str, description: str = ""):
        super().__init__(description or error)
        self.status, self.error, self.description = status, error, description


def issuer() -> str:
    return settings.PLATFORM_ISSUER


def url(path: str) -> str:
    return issuer() + path


def new_id(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(12)


def now() -> int:
    return int(time.time())


def roles(values) -> list[str]:
    return [ROLE_SHORTCUTS.get(value, value) for value in values or []]


def answer(data, status: int = 200, content_type: str = "application/json", headers=None):
    response = HttpResponse(json.dumps(data), status=status, content_type=content_type)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def refusal(exc: Refused) -> JsonResponse:
    body = {"error": exc.error}
    if exc.description:
        body["error_description"] = exc.description
    return JsonResponse(body, status=exc.status)


def json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(400, "invalid_request", "The body is not JSON.") from exc
    if not isinstance(data, dict):
        raise Refused(400, "invalid_request", "The body must be a JSON object.")
    return data


def is_url(value) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlparse(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def platform_key() -> jwk.JWK:
    return jwk.JWK.from_json(settings.PLATFORM_KEY)


def public_jwks() -> dict:
    public = json.loads(platform_key().export_public())
    public.update(alg="RS256", use="sig")
    return {"keys": [public]}


def sign(claims: dict, key: jwk.JWK | None = None, kid: str | None = None) -> str:
    """An RS256 JWS of `claims` with the platform's key (or `key`, for a forged signature)."""
    own = platform_key()
    header = {"alg": "RS256", "typ": "JWT", "kid": kid or own["kid"]}
    token = jwt.JWT(header=header, claims=claims)
    token.make_signed_token(key or own)
    return token.serialize()


def tool_keys(jwks_uri: str) -> jwk.JWKSet:
    try:
        response = requests.get(jwks_uri, timeout=5)
        response.raise_for_status()
        return jwk.JWKSet.from_json(response.text)
    except (requests.RequestException, JWException, ValueError) as exc:
        raise Refused(
            400, "invalid_client", f"The tool's keys at {jwks_uri} are unusable."
        ) from exc


def unverified_claims(token: str) -> dict:
    try:
        signed = jws.JWS()
        signed.deserialize(token)
        claims = json.loads(signed.objects["payload"])
    except (JWException, ValueError, KeyError, TypeError) as exc:
        raise Refused(400, "invalid_request", "Not a compact JWS.") from exc
    if not isinstance(claims, dict):
        raise Refused(400, "invalid_request", "The JWT's claims are not an object.")
    return claims


def verify_tool_jwt(token: str, jwks_uri: str, audiences: list[str]) -> dict:
    """Claims of an RS256 JWT signed by one of the tool's keys, for one of `audiences`,
    not expired. Raises Refused(400, ...) otherwise."""
    keys = tool_keys(jwks_uri)
    try:
        parsed = jwt.JWT(algs=["RS256"], check_claims={"exp": None}, expected_type="JWS")
        parsed.leeway = CLOCK_SKEW
        parsed.deserialize(token, keys)
        claims = json.loads(parsed.claims)
    except (JWException, ValueError, TypeError) as exc:
        raise Refused(400, "invalid_grant", f"The JWT does not verify: {exc}") from exc
    audience = claims.get("aud")
    audience = audience if isinstance(audience, list) else [audience]
    if not set(audience) & set(audiences):
        raise Refused(400, "invalid_grant", "The JWT is meant for someone else (aud).")
    return claims
