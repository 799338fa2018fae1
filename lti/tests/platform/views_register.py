"""Discovery, keys and registration: the OpenID configuration and JWKS, LTI Dynamic
Registration 1.0 (`/register`) and the driver's manual registration."""

from __future__ import annotations

from urllib.parse import urlencode, urlparse

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import store
from .common import (
    ALL_SCOPES,
    MESSAGE_TYPES,
    Refused,
    is_url,
    issuer,
    json_body,
    new_id,
    now,
    refusal,
    url,
)

TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
REGISTRATION_TOKEN_LIFETIME = 600
CLAIMS = ["iss", "sub", "aud", "exp", "iat", "nonce", "name", "given_name", "family_name"]
CLAIMS += ["email", "locale"]


@require_GET
def openid_configuration(request):
    return JsonResponse(
        {
            "issuer": issuer(),
            "authorization_endpoint": url("/auth"),
            "token_endpoint": url("/token"),
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "jwks_uri": url("/.well-known/jwks.json"),
            "registration_endpoint": url("/register"),
            "scopes_supported": ["openid", *ALL_SCOPES],
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": CLAIMS,
            PLATFORM_CONFIG: {
                "product_family_code": "ilm-test-platform",
                "version": "1.0",
                "messages_supported": [{"type": kind} for kind in MESSAGE_TYPES],
                "variables": [],
            },
        }
    )


@require_GET
def jwks(request):
    from .common import public_jwks

    return JsonResponse(public_jwks())


def new_client(*, registration: dict, via: str, **fields) -> dict:
    client = {
        "client_id": new_id("client-"),
        "deployment_ids": [new_id("deployment-")],
        "via": via,
        "registration": registration,
        "created": now(),
        **fields,
    }
    return store.put("client", client["client_id"], client)


def _validate_registration(data: dict) -> dict:
    """The fields of a tool's registration we act on; Refused(400) for a malformed one."""

    def bad(what: str):
        raise Refused(400, "invalid_client_metadata", what)

    if data.get("application_type") != "web":
        bad("application_type must be 'web'.")
    if data.get("response_types") != ["id_token"]:
        bad("response_types must be ['id_token'].")
    grants = data.get("grant_types")
    if not isinstance(grants, list) or not {"implicit", "client_credentials"} <= set(grants):
        bad("grant_types must include 'implicit' and 'client_credentials'.")
    redirect_uris = data.get("redirect_uris")
    if not isinstance(redirect_uris, list) or not redirect_uris:
        raise Refused(400, "invalid_redirect_uri", "redirect_uris must be a list of URLs.")
    if not all(is_url(uri) for uri in redirect_uris):
        raise Refused(400, "invalid_redirect_uri", "Every redirect URI must be a URL.")
    for name in ("initiate_login_uri", "jwks_uri"):
        if not is_url(data.get(name)):
            bad(f"{name} must be a URL.")
    if data.get("token_endpoint_auth_method") != "private_key_jwt":
        bad("token_endpoint_auth_method must be 'private_key_jwt'.")
    scope = data.get("scope", "")
    if not isinstance(scope, str):
        bad("scope must be a space-separated string.")
    config = data.get(TOOL_CONFIG)
    if not isinstance(config, dict):
        bad(f"The {TOOL_CONFIG} object is missing.")
    domain = config.get("domain")
    if not isinstance(domain, str) or not domain:
        bad("The tool configuration needs a domain.")
    target = config.get("target_link_uri")
    if not is_url(target):
        bad("The tool configuration's target_link_uri must be a URL.")
    parts = urlparse(target)
    if domain not in (parts.hostname, parts.netloc):
        bad("target_link_uri is not under the tool's domain.")
    claims = config.get("claims", [])
    if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
        bad("claims must be a list of claim names.")
    messages = config.get("messages", [])
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        bad("messages must be a list of objects.")
    for message in messages:
        if message.get("type") not in MESSAGE_TYPES:
            bad(f"Unsupported message type {message.get('type')!r}.")
        if "target_link_uri" in message and not is_url(message["target_link_uri"]):
            bad("A message's target_link_uri must be a URL.")
    return {
        "initiate_login_uri": data["initiate_login_uri"],
        "redirect_uris": redirect_uris,
        "jwks_uri": data["jwks_uri"],
        "target_link_uri": target,
        "name": data.get("client_name", ""),
        "scopes": [s for s in scope.split() if s in ALL_SCOPES],
        "messages": messages,
        "custom": config.get("custom_parameters", {}),
    }


@csrf_exempt
@require_POST
def register(request):
    try:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise Refused(401, "invalid_token", "A registration token is required.")
        token_key = header.removeprefix("Bearer ").strip()
        token = store.get("registration_token", token_key)
        if token is None or token["expires"] < now():
            raise Refused(401, "invalid_token", "The registration token is unknown or expired.")
        data = json_body(request)
        fields = _validate_registration(data)
        if store.take("registration_token", token_key) is None:
            raise Refused(401, "invalid_token", "The registration token was used already.")
    except Refused as exc:
        return refusal(exc)
    client = new_client(registration=data, via="dynamic", **fields)
    config = dict(data[TOOL_CONFIG], deployment_id=client["deployment_ids"][0])
    body = dict(data, client_id=client["client_id"], scope=" ".join(client["scopes"]))
    body[TOOL_CONFIG] = config
    return JsonResponse(body, status=200)


@csrf_exempt
@require_POST
def driver_registration_start(request):
    try:
        data = json_body(request)
        if not is_url(data.get("initiation_url")):
            raise Refused(400, "invalid_request", "initiation_url must be a URL.")
    except Refused as exc:
        return refusal(exc)
    token = new_id("reg-")
    store.put("registration_token", token, {"expires": now() + REGISTRATION_TOKEN_LIFETIME})
    query = urlencode(
        {
            "openid_configuration": url("/.well-known/openid-configuration"),
            "registration_token": token,
        }
    )
    separator = "&" if "?" in data["initiation_url"] else "?"
    return JsonResponse({"url": f"{data['initiation_url']}{separator}{query}", "token": token})


def client_view(client: dict) -> dict:
    return {
        "client_id": client["client_id"],
        "deployment_id": client["deployment_ids"][0],
        "deployment_ids": client["deployment_ids"],
        "via": client["via"],
        "name": client.get("name", ""),
        "initiate_login_uri": client["initiate_login_uri"],
        "redirect_uris": client["redirect_uris"],
        "jwks_uri": client["jwks_uri"],
        "target_link_uri": client["target_link_uri"],
        "scopes": client["scopes"],
        "messages": client.get("messages", []),
        "registration": client["registration"],
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def driver_clients(request):
    if request.method == "GET":
        return JsonResponse({"clients": [client_view(c) for c in store.every("client")]})
    try:
        data = json_body(request)
        for name in ("initiate_login_uri", "jwks_uri", "target_link_uri"):
            if not is_url(data.get(name)):
                raise Refused(400, "invalid_request", f"{name} must be a URL.")
        redirect_uris = data.get("redirect_uris") or [data["target_link_uri"]]
        if not isinstance(redirect_uris, list) or not all(map(is_url, redirect_uris)):
            raise Refused(400, "invalid_request", "redirect_uris must be a list of URLs.")
    except Refused as exc:
        return refusal(exc)
    client = new_client(
        registration=data,
        via="manual",
        initiate_login_uri=data["initiate_login_uri"],
        redirect_uris=redirect_uris,
        jwks_uri=data["jwks_uri"],
        target_link_uri=data["target_link_uri"],
        name=data.get("name", ""),
        scopes=list(ALL_SCOPES),
        messages=[],
        custom={},
    )
    return JsonResponse(
        {
            "client_id": client["client_id"],
            "deployment_id": client["deployment_ids"][0],
            "issuer": issuer(),
            "auth_url": url("/auth"),
            "token_url": url("/token"),
            "keyset_url": url("/.well-known/jwks.json"),
        },
        status=201,
    )
