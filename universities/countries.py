"""Country names in the reader's language, from CLDR through Babel (all seven of ours are there)."""

from babel import Locale, UnknownLocaleError
from django.utils import translation


def country_name(code: str, language: str | None = None) -> str:
    """The name of ISO 3166-1 country `code` in `language` (default: the active one).

    An unknown code is shown as it is; a language CLDR lacks falls back to English.
    """
    language = (language or translation.get_language() or "en").replace("-", "_")
    try:
        locale = Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        locale = Locale("en")
    return locale.territories.get(code.upper(), code)
