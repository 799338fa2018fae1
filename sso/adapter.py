"""allauth's adapters, taught the rules of university sign-in (ADR 0053).

- A provider answers for one university only: `uni-<code>` is `UniversitySignIn` of that
  university, and the university a person joins is that one, never one they typed.
- Nothing is created for an identity that lacks what the university's sign-in needs (a
  student number for a learner): the refusal happens in `pre_social_login`, before allauth
  looks for or creates an account.
- An existing local account with the same email is never linked by email alone: allauth's
  email authentication stays off, so the person signs in with their password first and then
  connects the university account (allauth's "connect" flow).
- Any error in the protocol exchange (provider down or slow, wrong `state`, a token for
  another audience) ends on one page that says so, and is logged.
"""

from __future__ import annotations

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from onelogin.saml2.errors import OneLogin_Saml2_Error
from requests import RequestException

from accounts.adapter import AccountAdapter

from . import saml
from .claims import ClaimsError, Identity, claims_for, identity_from_claims
from .saml import SAML_PROVIDER
from .selectors import sign_in_for_provider
from .services import identity_apply, identity_check

logger = logging.getLogger("sso")

SESSION_PROVIDER_KEY = "sso_provider_id"


PROVIDER_DOWN = gettext_lazy(
    "Your university's sign-in service did not answer. Please try again in a few "
    "minutes; if it keeps failing, tell your university's IT service."
)


def refusal(request, message, *, status: int = 400):
    return render(request, "sso/refused.html", {"message": message}, status=status)


def _identity(request, sociallogin: SocialLogin):
    sign_in = sign_in_for_provider(sociallogin.account.provider)
    if sign_in is None:
        logger.warning("sign-in through unconfigured provider %s", sociallogin.account.provider)
        raise ImmediateHttpResponse(
            refusal(request, _("This sign-in is not set up for any university."))
        )
    try:
        identity = identity_from_claims(
            claims_for(sign_in, sociallogin.account.extra_data), sign_in
        )
    except ClaimsError as error:
        logger.warning("sign-in refused for %s: %s", sign_in.provider_id, error)
        raise ImmediateHttpResponse(refusal(request, error.message)) from error
    return sign_in, identity


class SignInAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin: SocialLogin) -> None:
        sign_in, identity = _identity(request, sociallogin)
        if sign_in.protocol == SAML_PROVIDER:
            # SAML has no `email_verified`: the university's signed assertion vouches for the
            # address of its own member (email authentication stays off, so this links
            # nothing; it only spares a new account a confirmation email).
            for address in sociallogin.email_addresses:
                address.verified = True
        if sociallogin.is_existing:
            user = sociallogin.user
        elif sociallogin.state.get("process") == "connect":
            user = request.user
        else:
            user = None
        try:
            if sociallogin.is_existing:
                identity_apply(user=user, sign_in=sign_in, identity=identity)
            else:
                identity_check(user=user, sign_in=sign_in, identity=identity)
        except ClaimsError as error:
            logger.warning("sign-in refused for %s: %s", sign_in.provider_id, error)
            raise ImmediateHttpResponse(refusal(request, error.message)) from error

    def is_open_for_signup(self, request, sociallogin: SocialLogin) -> bool:
        return sign_in_for_provider(sociallogin.account.provider) is not None

    def is_auto_signup_allowed(self, request, sociallogin: SocialLogin) -> bool:
        return True

    def populate_user(self, request, sociallogin: SocialLogin, data):
        user = super().populate_user(request, sociallogin, data)
        sign_in = sign_in_for_provider(sociallogin.account.provider)
        if sign_in is not None:
            try:
                identity = identity_from_claims(
                    claims_for(sign_in, sociallogin.account.extra_data), sign_in
                )
            except ClaimsError:
                return user  # refused in pre_social_login before anything is saved
            user.full_name = identity.full_name
        return user

    def save_user(self, request, sociallogin: SocialLogin, form=None):
        sign_in, identity = _identity(request, sociallogin)
        # One transaction: an account is created only together with its membership.
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form=form)
            identity_apply(user=user, sign_in=sign_in, identity=identity)
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        logger.warning(
            "sign-in through %s failed: %s %r %s",
            getattr(getattr(provider, "app", None), "provider_id", provider),
            error,
            exception,
            (extra_context or {}).get("saml_last_error_reason", ""),
        )
        if isinstance(exception, RequestException):
            raise ImmediateHttpResponse(refusal(request, PROVIDER_DOWN, status=502))
        message = _(
            "The sign-in with your university could not be completed, and nothing was "
            "changed. Please start again from the sign-in page."
        )
        raise ImmediateHttpResponse(refusal(request, message))


def identity_for_connected_account(sociallogin: SocialLogin) -> tuple | None:
    """The sign-in and identity of a connected university account, or None."""
    sign_in = sign_in_for_provider(sociallogin.account.provider)
    if sign_in is None:
        return None
    try:
        return sign_in, identity_from_claims(
            claims_for(sign_in, sociallogin.account.extra_data), sign_in
        )
    except ClaimsError:
        return None


class SignInAccountAdapter(AccountAdapter):
    """Signing out of Ilm after a university sign-in also ends the provider's session, where
    the provider publishes an `end_session_endpoint` (OpenID Connect RP-initiated logout)."""

    def get_logout_redirect_url(self, request) -> str:
        local = super().get_logout_redirect_url(request)
        provider_id = request.session.get(SESSION_PROVIDER_KEY)
        sign_in = sign_in_for_provider(provider_id) if provider_id else None
        if sign_in is None:
            return local
        if sign_in.protocol == SAML_PROVIDER:
            return self._saml_logout_url(request, sign_in, local)
        try:
            config = OpenIDConnectOAuth2Adapter(request, provider_id).openid_config
        except (RequestException, ValueError):
            logger.warning("no single logout for %s: provider unreachable", provider_id)
            return local
        endpoint = config.get("end_session_endpoint")
        if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
            return local
        back = request.build_absolute_uri(reverse("landing"))
        query = urlencode(
            {"client_id": sign_in.social_app.client_id, "post_logout_redirect_uri": back}
        )
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    def _saml_logout_url(self, request, sign_in, local: str) -> str:
        try:
            url = saml.logout_url(request, sign_in, request.build_absolute_uri(reverse("landing")))
        except (OSError, OneLogin_Saml2_Error, ValueError) as error:
            logger.warning("no single logout for %s: %r", sign_in.provider_id, error)
            return local
        return url or local


__all__ = ["Identity", "SignInAccountAdapter", "SignInAdapter"]
