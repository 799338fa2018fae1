"""Launches: the driver's third-party login initiation, the OIDC authorization endpoint that
answers the signed id_token (with the `tamper` options of hostile tests), and the Deep
Linking 2.0 return."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from jwcrypto import jwk

from . import store
from .common import (
    AGS_CLAIM,
    DL,
    LTI,
    NRPS_CLAIM,
    SCOPE_LINEITEM,
    SCOPE_LINEITEM_READ,
    SCOPE_RESULT_READ,
    SCOPE_SCORE,
    Refused,
    is_url,
    issuer,
    json_body,
    new_id,
    now,
    refusal,
    roles,
    unverified_claims,
    url,
    verify_tool_jwt,
)
from .common import sign as sign_claims

TAMPERS = {
    "bad_signature",
    "wrong_aud",
    "wrong_iss",
    "expired",
    "unknown_deployment",
    "no_nonce",
    "wrong_message_type",
    "missing_azp_multi_aud",
}
LAUNCH_LIFETIME = 600
ID_TOKEN_LIFETIME = 300


def _client(client_id) -> dict:
    client = store.get("client", str(client_id))
    if client is None:
        raise Refused(400, "invalid_request", "Unknown client_id.")
    return client


@csrf_exempt
@require_POST
def driver_launch(request):
    try:
        data = json_body(request)
        client = _client(data.get("client_id"))
        deployment_id = data.get("deployment_id") or client["deployment_ids"][0]
        message_type = data.get("message_type", "LtiResourceLinkRequest")
        if message_type not in ("LtiResourceLinkRequest", "LtiDeepLinkingRequest"):
            raise Refused(400, "invalid_request", "Unsupported message_type.")
        tamper = data.get("tamper")
        if tamper is not None and tamper not in TAMPERS:
            raise Refused(400, "invalid_request", f"tamper is one of {sorted(TAMPERS)}.")
        user = data.get("user") or {}
        if not isinstance(user, dict) or not user.get("sub"):
            raise Refused(400, "invalid_request", "user.sub is required.")
        context = data.get("context") or {"id": "course-1", "title": "Course 1", "label": "C1"}
        link = None
        if data.get("resource_link_id"):
            link = store.get("link", str(data["resource_link_id"]))
        target = data.get("target_link_uri") or (link or {}).get("url")
        target = target or client["target_link_uri"]
        if not is_url(target):
            raise Refused(400, "invalid_request", "target_link_uri must be a URL.")
    except Refused as exc:
        return refusal(exc)
    hint = new_id("launch-")
    login_hint = str(user["sub"])
    store.put(
        "launch",
        hint,
        {
            "hint": hint,
            "client_id": client["client_id"],
            "deployment_id": deployment_id,
            "login_hint": login_hint,
            "user": user,
            "locale": data.get("locale", "en"),
            "context": context,
            "message_type": message_type,
            "resource_link_id": data.get("resource_link_id") or new_id("rl-"),
            "resource_link_title": data.get("resource_link_title", ""),
            "target_link_uri": target,
            "custom": data.get("custom") if data.get("custom") is not None else None,
            "tamper": tamper,
            "expires": now() + LAUNCH_LIFETIME,
        },
    )
    query = {
        "iss": issuer(),
        "login_hint": login_hint,
        "target_link_uri": target,
        "lti_message_hint": hint,
        "client_id": client["client_id"],
        "lti_deployment_id": deployment_id,
    }
    separator = "&" if "?" in client["initiate_login_uri"] else "?"
    return JsonResponse(
        {"login_url": f"{client['initiate_login_uri']}{separator}{urlencode(query)}"}
    )


def _error_page(message: str, status: int = 400) -> HttpResponse:
    body = f"<!doctype html><title>LTI platform error</title><h1>Error</h1><p>{escape(message)}"
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def _ags_claim(launch: dict, link: dict | None, client: dict) -> dict:
    context_id = launch["context"]["id"]
    claim = {
        "scope": [SCOPE_LINEITEM, SCOPE_LINEITEM_READ, SCOPE_RESULT_READ, SCOPE_SCORE],
        "lineitems": url(f"/contexts/{context_id}/lineitems"),
    }
    lineitem = (link or {}).get("lineitem")
    if lineitem is None:
        rlid = launch["resource_link_id"]
        owned = [
            item
            for item in store.every("lineitem")
            if item["context_id"] == context_id and item.get("resourceLinkId") == rlid
        ]
        lineitem = owned[0]["id"] if len(owned) == 1 else None
    if lineitem:
        claim["lineitem"] = lineitem
    return claim


def build_claims(launch: dict, client: dict, nonce: str | None) -> dict:
    user, context = launch["user"], launch["context"]
    link = store.get("link", launch["resource_link_id"])
    custom = launch["custom"]
    if custom is None:
        custom = dict(client.get("custom") or {}, **((link or {}).get("custom") or {}))
    stamp = now()
    claims = {
        "iss": issuer(),
        "aud": client["client_id"],
        "azp": client["client_id"],
        "sub": str(user["sub"]),
        "iat": stamp,
        "exp": stamp + ID_TOKEN_LIFETIME,
        "nonce": nonce,
        LTI + "message_type": launch["message_type"],
        LTI + "version": "1.3.0",
        LTI + "deployment_id": launch["deployment_id"],
        LTI + "target_link_uri": launch["target_link_uri"],
        LTI + "roles": roles(user.get("roles", ["learner"])),
        LTI + "context": {
            "id": context["id"],
            "title": context.get("title", ""),
            "label": context.get("label", ""),
            "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        },
        LTI + "launch_presentation": {
            "locale": launch["locale"],
            "document_target": "iframe",
            "return_url": url("/return"),
        },
        LTI + "custom": custom,
        LTI + "lis": {
            "person_sourcedid": f"person:{user['sub']}",
            "course_section_sourcedid": f"section:{context['id']}",
        },
        LTI + "tool_platform": {
            "guid": issuer(),
            "name": "Ilm test platform",
            "product_family_code": "ilm-test-platform",
            "version": "1.0",
        },
        AGS_CLAIM: _ags_claim(launch, link, client),
        NRPS_CLAIM: {
            "context_memberships_url": url(f"/contexts/{context['id']}/memberships"),
            "service_versions": ["2.0"],
        },
    }
    for name in ("name", "given_name", "family_name", "email"):
        if user.get(name):
            claims[name] = user[name]
    claims["locale"] = launch["locale"]
    if launch["message_type"] == "LtiResourceLinkRequest":
        claims[LTI + "resource_link"] = {
            "id": launch["resource_link_id"],
            "title": launch["resource_link_title"] or (link or {}).get("title", ""),
        }
    else:
        data = new_id("dl-")
        store.put(
            "deep_link_request",
            data,
            {
                "client_id": client["client_id"],
                "deployment_id": launch["deployment_id"],
                "context_id": context["id"],
            },
        )
        claims[DL + "deep_linking_settings"] = {
            "deep_link_return_url": url("/deep-link/return"),
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_multiple": True,
            "auto_create": True,
            "data": data,
        }
    return claims


def _tampered(claims: dict, tamper: str | None) -> tuple[dict, jwk.JWK | None]:
    key = None
    if tamper == "bad_signature":
        key = jwk.JWK.generate(kty="RSA", size=2048)
    elif tamper == "wrong_aud":
        claims.update(aud="someone-else", azp="someone-else")
    elif tamper == "wrong_iss":
        claims["iss"] = "https://impostor.example"
    elif tamper == "expired":
        claims.update(iat=now() - 3 * ID_TOKEN_LIFETIME, exp=now() - 2 * ID_TOKEN_LIFETIME)
    elif tamper == "unknown_deployment":
        claims[LTI + "deployment_id"] = "deployment-nobody-made"
    elif tamper == "no_nonce":
        claims.pop("nonce")
    elif tamper == "wrong_message_type":
        claims[LTI + "message_type"] = "LtiNoSuchMessage"
    elif tamper == "missing_azp_multi_aud":
        claims["aud"] = [claims["aud"], "another-client"]
        claims.pop("azp")
    return claims, key


@csrf_exempt
@require_http_methods(["GET", "POST"])
def auth(request):
    params = request.POST if request.method == "POST" else request.GET
    if "openid" not in params.get("scope", "").split():
        return _error_page("scope must include openid.")
    if params.get("response_type") != "id_token":
        return _error_page("response_type must be id_token.")
    if params.get("response_mode") != "form_post":
        return _error_page("response_mode must be form_post.")
    if params.get("prompt") != "none":
        return _error_page("prompt must be none.")
    if not params.get("nonce"):
        return _error_page("A nonce is required.")
    client = store.get("client", params.get("client_id", ""))
    if client is None:
        return _error_page("Unknown client_id.")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in client["redirect_uris"]:
        return _error_page("redirect_uri is not registered for this client.")
    launch = store.get("launch", params.get("lti_message_hint", ""))
    if launch is None or launch["expires"] < now() or launch["client_id"] != client["client_id"]:
        return _error_page("No pending launch matches lti_message_hint.")
    if params.get("login_hint") != launch["login_hint"]:
        return _error_page("login_hint does not match the launch.")
    claims, key = _tampered(build_claims(launch, client, params["nonce"]), launch["tamper"])
    id_token = sign_claims(claims, key=key)
    state = params.get("state", "")
    page = (
        "<!doctype html><title>Launching</title>"
        '<body onload="document.forms[0].submit()">'
        f'<form method="post" action="{escape(redirect_uri)}">'
        f'<input type="hidden" name="id_token" value="{escape(id_token)}">'
        f'<input type="hidden" name="state" value="{escape(state)}">'
        "<noscript><button>Continue</button></noscript></form></body>"
    )
    return HttpResponse(page, content_type="text/html; charset=utf-8")


def _deep_link_claims(token: str) -> tuple[dict, dict]:
    client_id = unverified_claims(token).get("iss")
    client = store.get("client", str(client_id))
    if client is None:
        raise Refused(400, "invalid_request", "iss is not a registered client_id.")
    claims = verify_tool_jwt(token, client["jwks_uri"], [issuer()])
    if claims.get(LTI + "message_type") != "LtiDeepLinkingResponse":
        raise Refused(400, "invalid_request", "message_type must be LtiDeepLinkingResponse.")
    if claims.get(LTI + "version") != "1.3.0":
        raise Refused(400, "invalid_request", "version must be 1.3.0.")
    if claims.get(LTI + "deployment_id") not in client["deployment_ids"]:
        raise Refused(400, "invalid_request", "Unknown deployment_id.")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise Refused(400, "invalid_request", "A nonce is required.")
    request = store.get("deep_link_request", str(claims.get(DL + "data")))
    if request is None or request["client_id"] != client["client_id"]:
        raise Refused(400, "invalid_request", "data does not echo a deep linking request.")
    if not store.add_if_absent("deep_link_nonce", nonce, {"at": now()}):
        raise Refused(400, "invalid_request", "The nonce was used already.")
    items = claims.get(DL + "content_items", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise Refused(400, "invalid_request", "content_items must be a list of objects.")
    return claims, request


def _create_link(item: dict, request: dict) -> dict:
    link_id = new_id("rl-")
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
    link = {
        "id": link_id,
        "client_id": request["client_id"],
        "deployment_id": request["deployment_id"],
        "context_id": request["context_id"],
        "title": str(item.get("title", "")),
        "text": str(item.get("text", "")),
        "url": item.get("url") if is_url(item.get("url")) else None,
        "custom": {str(k): str(v) for k, v in custom.items()},
        "lineitem": None,
    }
    line = item.get("lineItem")
    if isinstance(line, dict):
        from .views_ags import create_lineitem

        created = create_lineitem(
            request["context_id"],
            dict(line, resourceLinkId=link_id, label=line.get("label") or link["title"]),
        )
        link["lineitem"] = created["id"]
    return store.put("link", link_id, link)


@csrf_exempt
@require_POST
def deep_link_return(request):
    token = request.POST.get("JWT", "")
    try:
        if not token:
            raise Refused(400, "invalid_request", "The JWT form field is missing.")
        claims, dl_request = _deep_link_claims(token)
        if any(item.get("lineItem") is not None for item in claims.get(DL + "content_items")):
            from .views_ags import check_lineitem

            for item in claims[DL + "content_items"]:
                if isinstance(item.get("lineItem"), dict):
                    check_lineitem(
                        dict(
                            item["lineItem"],
                            label=item["lineItem"].get("label") or item.get("title") or "-",
                        )
                    )
    except Refused as exc:
        return _error_page(exc.description or exc.error)
    links = [
        _create_link(item, dl_request)
        for item in claims.get(DL + "content_items", [])
        if item.get("type") == "ltiResourceLink"
    ]
    store.put(
        "deep_link_return",
        new_id(),
        {
            "msg": claims.get(DL + "msg"),
            "errormsg": claims.get(DL + "errormsg"),
            "links": len(links),
        },
    )
    message = escape(str(claims.get(DL + "msg") or ""))
    return HttpResponse(
        f"<!doctype html><title>Content added</title><p>{len(links)} link(s) added. {message}",
        content_type="text/html; charset=utf-8",
    )


@require_GET
def driver_links(request):
    return JsonResponse({"links": store.every("link")})
