"""HTTP only: the LTI 1.3 endpoints a partner platform calls, and the registration pages.

`login` and `launch` are the only views exempt from CSRF: the platform posts them cross-site,
and the id_token's signature and the state cookie (bound to this browser) stand in for it.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Locale

from . import keys, tokens
from .access import DEEP_LINK_SESSION_KEY, context_for_teaching, registration_for_staff
from .forms import DynamicRegistrationForm
from .nrps import PlatformAnswer, roster_compare
from .registration import RegistrationError, registration_dynamic
from .selectors import registration_by_id, registration_for
from .services import deep_linking_accept, keyset_of, launch_accept

logger = logging.getLogger(__name__)

STATE_COOKIE_PREFIX = "lti-state-"
STATE_MAX_AGE = 600
_SALT = "lti.state"


def refusal(request, error: tokens.LaunchError):
    logger.warning("lti launch refused: %s", error.code)
    return render(request, "lti/refused.html", {"message": error.message}, status=error.status)


@require_GET
def jwks(request):
    response = JsonResponse(keys.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def login(request):
    """OIDC third-party initiated login: send the browser to the platform's auth endpoint."""
    params = request.POST if request.method == "POST" else request.GET
    issuer, hint = params.get("iss", ""), params.get("login_hint", "")
    target = params.get("target_link_uri", "")
    if not (issuer and hint and target):
        return refusal(
            request, tokens.LaunchError("bad_login", _("The login request is incomplete."))
        )
    registration = registration_for(issuer, params.get("client_id"))
    if registration is None:
        return refusal(
            request,
            tokens.LaunchError(
                "unknown_platform", _("This platform is not registered with Ilm."), 403
            ),
        )
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": request.build_absolute_uri(reverse("lti:launch")),
        "login_hint": hint,
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in registration.auth_url else "?"
    response = HttpResponseRedirect(registration.auth_url + separator + urlencode(query))
    # The launch comes back as a cross-site POST: only a SameSite=None cookie travels with it,
    # and browsers take SameSite=None only with Secure (so over HTTPS).
    secure = request.is_secure()
    response.set_cookie(
        STATE_COOKIE_PREFIX + state,
        signing.dumps({"nonce": nonce, "registration": registration.pk}, salt=_SALT),
        max_age=STATE_MAX_AGE,
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",
        path=reverse("lti:launch"),
    )
    return response


def _expected_state(request, state: str) -> dict:
    raw = request.COOKIES.get(STATE_COOKIE_PREFIX + state, "")
    try:
        return signing.loads(raw, salt=_SALT, max_age=STATE_MAX_AGE)
    except signing.BadSignature:
        raise tokens.LaunchError(
            "bad_state", _("This launch did not start in this browser. Launch again.")
        ) from None


@csrf_exempt
@require_POST
def launch(request):
    """The platform's form_post of id_token and state: verify, then let the person in."""
    token, state = request.POST.get("id_token", ""), request.POST.get("state", "")
    try:
        if not token or not state:
            raise tokens.LaunchError("bad_launch", _("The launch carries no token."))
        expected_state = _expected_state(request, state)
        # The registration is the one the login started with (the state binds it).
        registration = registration_by_id(expected_state["registration"])
        if registration is None:
            raise tokens.LaunchError(
                "unknown_platform", _("This platform is not registered with Ilm."), 403
            )
        expected = tokens.Expected(
            issuer=registration.issuer,
            client_id=registration.client_id,
            deployments=tuple(registration.deployments),
            nonce=expected_state["nonce"],
        )
        claims = tokens.launch_claims(
            token, expected, lambda refresh: keyset_of(registration, refresh=refresh)
        )
        if claims[tokens.LTI + "message_type"] == tokens.DEEP_LINKING:
            request_held = deep_linking_accept(registration=registration, claims=claims)
            auth_login(request, request_held.user, backend=settings.AUTHENTICATION_BACKENDS[0])
            request.session[DEEP_LINK_SESSION_KEY] = {
                "user": request_held.user.pk,
                "registration": registration.pk,
                "return_url": request_held.return_url,
                "data": request_held.data,
                "deployment_id": request_held.deployment_id,
            }
            language = tokens.language_of(claims, settings.LANGUAGE_CODE)
            response = HttpResponseRedirect(reverse("lti:deep_link"))
            response.delete_cookie(STATE_COOKIE_PREFIX + state, path=reverse("lti:launch"))
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
            return response
        result = launch_accept(registration=registration, claims=claims)
    except tokens.LaunchError as error:
        response = refusal(request, error)
        response.delete_cookie(STATE_COOKIE_PREFIX + state, path=reverse("lti:launch"))
        return response
    auth_login(request, result.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    language = tokens.language_of(claims, settings.LANGUAGE_CODE)
    with translation.override(language):
        if result.instructor:
            target = reverse("teaching:roster", kwargs={"run_id": result.run.pk})
        else:
            target = _page_url(result.page, language)
    response = HttpResponseRedirect(target)
    response.delete_cookie(STATE_COOKIE_PREFIX + state, path=reverse("lti:launch"))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


def _page_url(page, language: str) -> str:
    locale = Locale.objects.filter(language_code=language).first()
    translated = page.get_translation_or_none(locale) if locale else None
    chosen = translated if translated is not None and translated.live else page
    return chosen.get_url() or "/"


@require_http_methods(["GET", "POST"])
def register(request):
    """Dynamic registration, opened by the platform: platform staff say whose it is."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    registration_for_staff(request.user)
    params = request.POST if request.method == "POST" else request.GET
    form = DynamicRegistrationForm(
        params if request.method == "POST" else None,
        initial={
            "openid_configuration": params.get("openid_configuration", ""),
            "registration_token": params.get("registration_token", ""),
        },
    )
    if not params.get("openid_configuration"):
        return render(
            request,
            "lti/refused.html",
            {"message": _("Open this page from your LMS's tool registration.")},
            status=400,
        )
    if request.method == "POST" and form.is_valid():
        try:
            registration = registration_dynamic(
                university=form.cleaned_data["university"],
                openid_configuration=form.cleaned_data["openid_configuration"],
                registration_token=form.cleaned_data["registration_token"],
                base_url=request.build_absolute_uri("/"),
                name="Ilm",
            )
        except RegistrationError as error:
            form.add_error(None, error.message)
        else:
            return render(request, "lti/registered.html", {"registration": registration})
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "lti/register.html", {"form": form}, status=status)


@require_GET
def roster(request, context_id: int):
    """The platform's roster of a context beside Ilm's enrollments (for the run's teachers)."""
    context = context_for_teaching(request.user, context_id)
    try:
        rows = roster_compare(context)
    except PlatformAnswer as error:
        logger.warning("lti roster of context %s refused: %s", context.pk, error.detail)
        return render(
            request,
            "lti/refused.html",
            {"message": _("The LMS did not send its roster. Try again later.")},
            status=502,
        )
    return render(request, "lti/roster.html", {"context": context, "rows": rows})
