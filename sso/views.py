"""HTTP only: the "Sign in with <University>" button starts allauth's OpenID Connect or SAML
login, whichever the university's provider speaks."""

from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from allauth.socialaccount.providers.saml import views as saml_views
from django.http import Http404
from django.views.decorators.http import require_POST
from onelogin.saml2.errors import OneLogin_Saml2_Error
from requests import RequestException

from .adapter import PROVIDER_DOWN, logger, refusal
from .saml import SAML_PROVIDER
from .selectors import sign_in_for_university_code


@require_POST
def begin(request, code: str):
    sign_in = sign_in_for_university_code(code)
    if sign_in is None:
        raise Http404
    if sign_in.protocol == SAML_PROVIDER:
        try:
            # With a metadata URL, the IdP's metadata is read here: it may be down or slow.
            return saml_views.login(request, organization_slug=sign_in.social_app.client_id)
        except (OSError, OneLogin_Saml2_Error, ValueError) as error:
            logger.warning("sign-in with %s could not start: %r", sign_in.provider_id, error)
            return refusal(request, PROVIDER_DOWN, status=502)
    try:
        # allauth reads the provider's discovery document here: it may be down or slow.
        return oidc_views.login(request, provider_id=sign_in.provider_id)
    except (RequestException, OAuth2Error, ValueError) as error:
        logger.warning("sign-in with %s could not start: %r", sign_in.provider_id, error)
        return refusal(request, PROVIDER_DOWN, status=502)
