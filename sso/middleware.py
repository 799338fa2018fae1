"""allauth's own OpenID Connect URLs, reached without the university button, read the
provider's discovery document too: a provider that is down answers a clear page, not a 500."""

from requests import RequestException

from .adapter import PROVIDER_DOWN, logger, refusal

OIDC_VIEWS = frozenset({"openid_connect_login", "openid_connect_callback"})


class ProviderUnreachableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = request.resolver_match
        if isinstance(exception, RequestException) and match and match.url_name in OIDC_VIEWS:
            logger.warning(
                "provider %s unreachable: %r", match.kwargs.get("provider_id"), exception
            )
            return refusal(request, PROVIDER_DOWN, status=502)
        return None
