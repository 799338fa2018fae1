"""HTTP only: the "Sign in with <University>" button starts allauth's OpenID Connect login."""

from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.http import Http404
from django.views.decorators.http import require_POST
from requests import RequestException

from .adapter import PROVIDER_DOWN, logger, refusal
from .selectors import sign_in_for_university_code


@require_POST
def begin(request, code: str):
    sign_in = sign_in_for_university_code(code)
    if sign_in is None:
        raise Http404
    try:
        # allauth reads the provider's discovery document here: it may be down or slow.
        return oidc_views.login(request, provider_id=sign_in.provider_id)
    except (RequestException, OAuth2Error, ValueError) as error:
        logger.warning("sign-in with %s could not start: %r", sign_in.provider_id, error)
        return refusal(request, PROVIDER_DOWN, status=502)
