"""Language selection that leaves language-neutral endpoints alone.

Django's LocaleMiddleware answers a 404 on an unprefixed path with a redirect to the same path
under a language prefix whenever that path would resolve there. Wagtail's catch-all page route
resolves every path, so without this, a missing API object (`/api/v1/...`, `/xapi/...`)
would answer 302 to `/en/...` instead of 404.
"""

import re

from django.conf import settings
from django.middleware.locale import LocaleMiddleware

# A first path segment shaped like a language tag ("xx", "pt-br") that we do not serve is an
# unknown language, answered 404 rather than redirected to "/en/xx/...".
_LANGUAGE_TAG = re.compile(r"^/([a-z]{2,3}(?:-[a-z0-9]{2,8})?)(?:/|$)", re.IGNORECASE)


class SiteLocaleMiddleware(LocaleMiddleware):
    def process_response(self, request, response):
        if request.path_info.startswith(tuple(settings.LANGUAGE_NEUTRAL_PATH_PREFIXES)):
            return response
        if response.status_code == 404 and self._unknown_language_prefix(request.path_info):
            return response
        return super().process_response(request, response)

    @staticmethod
    def _unknown_language_prefix(path: str) -> bool:
        match = _LANGUAGE_TAG.match(path)
        served = {code.lower() for code, _name in settings.LANGUAGES}
        return bool(match) and match.group(1).lower() not in served
