"""allauth's own OpenID Connect and SAML URLs, reached without the university button, read
the provider's discovery document or metadata too: a provider that is down answers a clear
page, not a 500. A SAML response whose request Ilm did not make in this browser (replayed,
stolen, or sent unasked by the IdP) is refused with a clear page, not a bare 403."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from onelogin.saml2.errors import OneLogin_Saml2_Error
from requests import RequestException

from .adapter import PROVIDER_DOWN, logger, refusal

OIDC_VIEWS = frozenset({"openid_connect_login", "openid_connect_callback"})
NOT_COMPLETED = _(
    "The sign-in with your university could not be completed, and nothing was changed. "
    "Please start again from the sign-in page."
)
SLO_REFUSED = _(
    "The sign-out message from your university could not be verified, and nothing was changed."
)
SAML_VIEWS = frozenset({"saml_login", "saml_acs", "saml_finish_acs", "saml_sls", "saml_metadata"})


class ProviderUnreachableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match and match.url_name == "saml_sls" and response.status_code == 400:
            # allauth answers an unverifiable logout message with python3-saml's English text.
            return refusal(request, SLO_REFUSED)
        return response

    def process_exception(self, request, exception):
        match = request.resolver_match
        if isinstance(exception, RequestException) and match and match.url_name in OIDC_VIEWS:
            logger.warning(
                "provider %s unreachable: %r", match.kwargs.get("provider_id"), exception
            )
            return refusal(request, PROVIDER_DOWN, status=502)
        if match and match.url_name in SAML_VIEWS:
            return self._saml(request, match, exception)
        return None

    def _saml(self, request, match, exception):
        slug = match.kwargs.get("organization_slug")
        answer_steps = {"saml_finish_acs", "saml_sls"}
        unreadable = PermissionDenied | SyntaxError | ValueError | OneLogin_Saml2_Error
        if match.url_name in answer_steps and isinstance(exception, unreadable):
            # Replayed, unsolicited, or not SAML at all (an XML syntax error is a SyntaxError).
            logger.warning("SAML message for %s refused: %r", slug, exception)
            return refusal(request, SLO_REFUSED if match.url_name == "saml_sls" else NOT_COMPLETED)
        if isinstance(exception, OSError | OneLogin_Saml2_Error | ValueError):
            logger.warning("SAML provider %s unusable: %r", slug, exception)
            return refusal(request, PROVIDER_DOWN, status=502)
        return None
