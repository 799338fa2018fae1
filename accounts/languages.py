"""Which of the platform's interface languages a stored or sent value names.

A language code comes from people and their browsers (a cookie, a form, an old account row),
so it is checked against `settings.LANGUAGES` before anything is translated with it.
"""

from django.conf import settings

# The query parameter a language-neutral page's language links carry (`lms/locale.py`).
LANGUAGE_QUERY_PARAMETER = "lang"


def language_neutral(path: str) -> bool:
    """Whether `path` is served outside the language prefix (`/verify/...`, `/api/...`)."""
    return path.startswith(tuple(settings.LANGUAGE_NEUTRAL_PATH_PREFIXES))


def language_served(code: object) -> str | None:
    """The served language `code` names ("ru", "zh-Hans" -> "zh-hans"), else None."""
    if not isinstance(code, str) or len(code) > 20:
        return None
    wanted = code.strip().lower().replace("_", "-")
    return wanted if wanted in {served for served, _name in settings.LANGUAGES} else None


def recipient_language(user) -> str:
    """The language to write to `user` in: theirs when they chose one, else the site's."""
    return language_served(getattr(user, "preferred_language", "")) or settings.LANGUAGE_CODE
