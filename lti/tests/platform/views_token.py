"""The OAuth 2.0 token endpoint (client_credentials with a private_key_jwt client assertion,
IMS Security Framework 1.0) and the bearer check every service call goes through."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import store
from .common import Refused, issuer, new_id, now, unverified_claims, url, verify_tool_jwt

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_LIFETIME = 3600


def _error(status: int, error: str, description: str) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def token(request):
    form = request.POST
    if form.get("grant_type") != "client_credentials":
        return _error(400, "unsupported_grant_type", "Only client_credentials is granted.")
    if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
        return _error(401, "invalid_client", "A JWT-bearer client assertion is required.")
    assertion = form["client_assertion"]
    try:
        unverified = unverified_claims(assertion)
        client = store.get("client", str(unverified.get("iss")))
        if client is None:
            raise Refused(401, "invalid_client", "Unknown client (iss).")
        claims = verify_tool_jwt(assertion, client["jwks_uri"], [url("/token"), issuer()])
        if claims.get("iss") != client["client_id"] or claims.get("sub") != client["client_id"]:
            raise Refused(401, "invalid_client", "iss and sub must both be the client_id.")
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise Refused(401, "invalid_client", "The assertion needs a jti.")
        if not store.add_if_absent("jti", f"{client['client_id']}:{jti}", {"at": now()}):
            raise Refused(401, "invalid_client", "The assertion's jti was used already.")
    except Refused as exc:
        return _error(401, "invalid_client", exc.description or exc.error)
    asked = form.get("scope", "").split()
    if not asked:
        return _error(400, "invalid_scope", "Name the scopes wanted.")
    refused = [scope for scope in asked if scope not in client["scopes"]]
    if refused:
        return _error(400, "invalid_scope", f"Not granted to this client: {' '.join(refused)}")
    access_token = new_id("at-")
    store.put(
        "access_token",
        access_token,
        {"client_id": client["client_id"], "scopes": asked, "expires": now() + TOKEN_LIFETIME},
    )
    response = JsonResponse(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
            "scope": " ".join(asked),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def authorize(request, *any_of: str) -> dict:
    """The access token of a service call if it grants one of `any_of`: Refused 401/403."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Refused(401, "invalid_token", "A bearer access token is required.")
    grant = store.get("access_token", header.removeprefix("Bearer ").strip())
    if grant is None or grant["expires"] < now():
        raise Refused(401, "invalid_token", "The access token is unknown or expired.")
    if not set(any_of) & set(grant["scopes"]):
        raise Refused(403, "insufficient_scope", f"Needs one of: {' '.join(any_of)}")
    return grant
