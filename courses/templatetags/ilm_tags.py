"""Small template helpers for the public site."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_links(context):
    """A link per language that keeps the reader on the same page.

    A Wagtail page links to its own translation when there is one; anything else (and a page
    not yet translated) keeps its path under the other language prefix, via `translate_url`.
    """
    request = context.get("request")
    page = context.get("page")
    translations = {}
    if isinstance(page, Page) and page.pk:
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            translations.setdefault(translation.locale.language_code, translation)
    path = request.get_full_path() if request is not None else "/"
    links = []
    for code, name in settings.LANGUAGES:
        translation = translations.get(code)
        url = translation.get_url(request) if translation else None
        links.append(
            {
                "code": code,
                "name": name,
                "url": url or translate_url(path, code),
                "is_current": code == get_language(),
            }
        )
    return {"links": links}


@register.filter
def percent(value) -> int:
    """A number as a whole percent for progress bars (None counts as 0)."""
    try:
        return max(0, min(100, round(float(value or 0))))
    except (TypeError, ValueError):
        return 0


@register.filter
def lookup(mapping, key):
    """`mapping[key]`, or None: for dicts keyed by ids that templates cannot spell."""
    if not mapping:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def has_several_answers(question) -> bool:
    """Whether a quiz question has more than one correct option (shown as checkboxes)."""
    try:
        return sum(1 for choice in question["choices"] if choice["is_correct"]) > 1
    except (KeyError, TypeError):
        return False
