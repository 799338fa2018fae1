"""HTTP for OpenID4VCI: the learner's offer page and the wallet-facing endpoints.

The wallet endpoints are CSRF-exempt (a wallet is no browser session: the pre-authorised
code and the bearer token are its credentials) and answer every refusal in JSON with the
specification's error code and `Cache-Control: no-store`, never a 500 for bad input.
"""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import segno
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, metadata, selectors, services
from .credential_requests import credential_request_parse
from .key_proofs import KeyProofError, key_proof_verify
from .services import WalletError

OFFER_SCHEME = "openid-credential-offer://"


def _json(document: dict, status: int = 200, *, cacheable: bool = False) -> JsonResponse:
    response = JsonResponse(document, status=status)
    if cacheable:
        response["Cache-Control"] = "public, max-age=300"
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response["Cache-Control"] = "no-store"
    return response


def _error(error: WalletError) -> JsonResponse:
    response = _json({"error": error.error, "error_description": error.description}, error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    return response


@require_GET
def issuer_metadata(request):
    return _json(metadata.issuer_metadata(), cacheable=True)


@require_GET
def authorization_server_metadata(request):
    return _json(metadata.authorization_server_metadata(), cacheable=True)


def _form(request) -> dict:
    """The form fields of a token request, each given once."""
    try:
        data = request.POST
    except (RequestDataTooBig, SuspiciousOperation):
        raise WalletError("invalid_request", "the request body is too large") from None
    fields = {}
    for name in data:
        values = data.getlist(name)
        if len(values) != 1:
            raise WalletError("invalid_request", "a parameter is repeated")
        fields[name] = values[0]
    return fields


@csrf_exempt
@require_POST
def token(request):
    """Token Endpoint: pre-authorised code → access token (RFC 6749 + OpenID4VCI)."""
    try:
        fields = _form(request)
        if fields.get("grant_type") != metadata.PRE_AUTHORIZED_GRANT:
            raise WalletError("unsupported_grant_type", "only the pre-authorized_code grant")
        code = fields.get("pre-authorized_code", "")
        if not code:
            raise WalletError("invalid_request", "pre-authorized_code is required")
        if "tx_code" in fields:
            raise WalletError("invalid_request", "no tx_code was asked for in the offer")
        issued = services.access_token_issue(pre_authorized_code=code)
    except WalletError as error:
        return _error(error)
    answer = {"access_token": issued.access_token, "token_type": "Bearer"}
    return _json({**answer, "expires_in": issued.expires_in})


@csrf_exempt
@require_POST
def nonce(request):
    """Nonce Endpoint: a fresh `c_nonce`; no access token needed."""
    return _json({"c_nonce": services.proof_nonce_create()})


def _bearer(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _space, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise WalletError("invalid_token", "send the access token as a Bearer token", status=401)
    return value.strip()


@csrf_exempt
@require_POST
def credential(request):
    """Credential Endpoint: the token's credential, bound to the holder's key if proved."""
    try:
        access_token = services.access_token_check(_bearer(request))
        try:
            body = request.body
        except RequestDataTooBig:
            raise WalletError("invalid_credential_request", "the body is too large") from None
        asked = credential_request_parse(body)
        key_proof = None
        if asked.proof_jwt is not None:
            try:
                key_proof = key_proof_verify(
                    asked.proof_jwt, audience=metadata.credential_issuer(), now=int(time.time())
                )
            except KeyProofError as error:
                raise WalletError("invalid_proof", str(error)) from None
        document = services.credential_deliver(
            access_token=access_token,
            configuration_id=asked.configuration_id,
            key_proof=key_proof,
        )
    except WalletError as error:
        return _error(error)
    return _json({"credentials": [{"credential": document}]})


def offer_link(pre_authorized_code: str) -> str:
    """The `openid-credential-offer://` link carrying the offer by value."""
    offer = metadata.credential_offer(pre_authorized_code)
    text = json.dumps(offer, separators=(",", ":"))
    return f"{OFFER_SCHEME}?credential_offer={quote(text, safe='')}"


@never_cache
@require_http_methods(["GET", "POST"])
def offer_page(request, credential_id):
    """The learner's page for sending one credential to a wallet (POST makes an offer)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    credential_row = access.credential_for_wallet_offer(request.user, credential_id)
    context = {
        "credential": credential_row,
        "deliveries": selectors.deliveries_of(credential_row),
        "lifetime_minutes": int(services.OFFER_LIFETIME.total_seconds() // 60),
    }
    status = 200
    if request.method == "POST":
        try:
            made = services.wallet_offer_create(credential=credential_row, learner=request.user)
        except WalletError:
            context["refusal"] = _("A revoked certificate cannot be sent to a wallet.")
            status = 409
        else:
            link = offer_link(made.pre_authorized_code)
            context.update(
                offer=made.offer,
                offer_link=link,
                qr_data_uri=segno.make(link, error="l").svg_data_uri(scale=4, dark="#111"),
            )
    return render(request, "wallets/offer.html", context, status=status)
