"""The reader's language: negotiated once, then remembered (ADR 0033).

`SiteLocaleMiddleware` is Django's LocaleMiddleware (which negotiates `/` from the language
cookie, then Accept-Language, ignoring codes we do not serve) with these changes:

* Language-neutral endpoints are left alone. Django answers a 404 on an unprefixed path with a
  redirect to the same path under a language prefix whenever that path would resolve there;
  Wagtail's catch-all page route resolves every path, so without this a missing API object
  (`/api/v1/...`, `/xapi/...`) would answer 302 to `/en/...` instead of 404.
* A first path segment shaped like a language tag we do not serve (`/de/...`) answers the
  translated 404 page in the negotiated language, rather than a redirect to `/en/de/...`.
* Reading a page under a language prefix (the language switcher's links are such pages) is the
  reader's choice: it is remembered in Django's language cookie and, for a signed-in person
  whose cookie named another of our languages, on their account. So is a POST to Django's
  `set_language` view.
* A language-neutral page (`/verify/<id>/`, whose address is printed in QR codes) has no
  prefix to switch; its switcher links carry `?lang=<code>` instead, which is read and
  remembered the same way.
"""

import re

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from accounts.adapter import language_cookie_set
from accounts.languages import LANGUAGE_QUERY_PARAMETER, language_neutral, language_served
from accounts.services import user_language_set

# A first path segment shaped like a language tag ("xx", "pt-br") that we do not serve is an
# unknown language, answered 404 rather than redirected to "/en/xx/...".
_LANGUAGE_TAG = re.compile(r"^/([a-z]{2,3}(?:-[a-z0-9]{2,8})?)(?:/|$)", re.IGNORECASE)


class SiteLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        super().process_request(request)
        chosen = self._chosen_by_query(request)
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen

    def process_response(self, request, response):
        if language_neutral(request.path_info):
            self._remember_set_language(request, response)
            chosen = self._chosen_by_query(request)
            # Pages only: an API answer (xAPI, reports) does not set a reader's language.
            is_page = response.get("Content-Type", "").startswith("text/html")
            if chosen and is_page and response.status_code < 400:
                self._remember_choice(request, response, chosen)
            return response
        if response.status_code == 404 and self._unknown_language_prefix(request.path_info):
            return response
        response = super().process_response(request, response)
        self._remember_prefix(request, response)
        return response

    @staticmethod
    def _chosen_by_query(request) -> str | None:
        if request.method not in ("GET", "HEAD") or not language_neutral(request.path_info):
            return None
        try:
            return language_served(request.GET.get(LANGUAGE_QUERY_PARAMETER))
        except SuspiciousOperation:
            # Too many parameters: the view answers that in its own way (the LRS in JSON).
            return None

    @classmethod
    def _remember_prefix(cls, request, response) -> None:
        prefixed = translation.get_language_from_path(request.path_info)
        if prefixed and response.status_code < 400:
            cls._remember_choice(request, response, prefixed)

    @staticmethod
    def _remember_choice(request, response, language: str) -> None:
        if (
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) == language
            or settings.LANGUAGE_COOKIE_NAME in response.cookies  # set by a login, say
        ):
            return
        language_cookie_set(response, language)
        # A switch is a move from one of our languages to another; a browser without the
        # cookie (a new device, say) has not chosen against the account's language.
        before = language_served(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        user = getattr(request, "user", None)
        if before and user is not None and user.is_authenticated:
            user_language_set(user=user, language=language)

    @staticmethod
    def _remember_set_language(request, response) -> None:
        """Django's `set_language` view sets the cookie; a signed-in person's account follows."""
        match = request.resolver_match
        cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if (
            match
            and match.view_name == "set_language"
            and cookie
            and user
            and user.is_authenticated
        ):
            user_language_set(user=user, language=cookie.value)

    @staticmethod
    def _unknown_language_prefix(path: str) -> bool:
        match = _LANGUAGE_TAG.match(path)
        served = {code.lower() for code, _name in settings.LANGUAGES}
        return bool(match) and match.group(1).lower() not in served
