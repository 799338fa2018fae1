"""Small template helpers for the public site."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Locale, Page

from accounts.languages import LANGUAGE_QUERY_PARAMETER, language_neutral

from ..kept import kept

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_links(context):
    """A link per language that keeps the reader on the same page.

    A Wagtail page links to its own translation when there is one; anything else (and a page
    not yet translated) keeps its path under the other language prefix, via `translate_url`.
    """
    request = context.get("request")
    page = context.get("page")
    path = request.get_full_path() if request is not None else "/"
    if isinstance(page, Page) and page.pk and request is not None and "?" not in path:
        # The same for every reader of the page in this language (ADR 0066); with a query
        # string it is computed each time, so random queries cannot fill the cache.
        parts = (page.pk, request.get_host(), path, get_language())
        return {"links": kept("language-switch", parts, lambda: _links(page, request, path))}
    return {"links": _links(page, request, path)}


def _links(page, request, path: str) -> list[dict]:
    translation_urls = {}
    if isinstance(page, Page) and page.pk:
        host = request.get_host() if request is not None else ""
        translation_urls = kept(
            "language-links", (page.pk, host), lambda: _translation_urls(page, request)
        )
    links = []
    for code, name in settings.LANGUAGES:
        url = translation_urls.get(code)
        if url is None and language_neutral(urlsplit(path).path):
            # No prefix to switch (a QR code's /verify/ address): the middleware reads ?lang=.
            url = _with_query(path, LANGUAGE_QUERY_PARAMETER, code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": url or translate_url(path, code),
                "is_current": code == get_language(),
            }
        )
    return links


def _translation_urls(page: Page, request) -> dict:
    """Each language's live translation of `page`, as its URL for `request`'s site."""
    translations = {}
    for translation in page.get_translations(inclusive=True).live().select_related("locale"):
        translations.setdefault(translation.locale.language_code, translation)
    return {code: translation.get_url(request) for code, translation in translations.items()}


def _with_query(path: str, key: str, value: str) -> str:
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != key]
    return urlunsplit(parts._replace(query=urlencode([*query, (key, value)])))


def _content_language(page) -> str:
    """The language `page`'s content is written in: its original's, when it is an alias."""
    if not isinstance(page, Page) or not page.pk:
        return ""
    cached = getattr(page, "_ilm_content_language", None)
    if cached is None:
        if page.alias_of_id:
            locale_id = Page.objects.filter(pk=page.alias_of_id).values_list("locale_id")
            cached = (
                Locale.objects.filter(pk__in=locale_id)
                .values_list("language_code", flat=True)
                .first()
                or ""
            )
        else:
            cached = page.locale.language_code
        page._ilm_content_language = cached
    return cached


@register.filter
def content_language(page) -> str:
    """For `lang="..."` on a page's own text, which may not be in the interface language."""
    return _content_language(page)


@register.inclusion_tag("includes/content_language.html", takes_context=True)
def content_language_notice(context):
    """Say so when the reader's language has no translation of this page yet (ADR 0030).

    The page is then an alias of the original: the interface stays in the reader's language,
    the content is the original's; the note names that language and links every real
    translation, so a reader of Russian on `/kk/` can go to `/ru/` knowingly.
    """
    page = context.get("page")
    code = _content_language(page)
    if not code or code == get_language() or not page.alias_of_id:
        return {"notice": None}
    names = dict(settings.LANGUAGES)
    others = (
        page.get_translations(inclusive=False)
        .live()
        .filter(alias_of__isnull=True)
        .select_related("locale")
        .order_by("locale__language_code")
    )
    return {
        "notice": {
            "code": code,
            "name": names.get(code, code),
            "interface_name": names.get(get_language(), get_language()),
            "versions": [
                {
                    "code": other.locale.language_code,
                    "name": names.get(other.locale.language_code, other.locale.language_code),
                    "url": other.get_url(context.get("request")),
                }
                for other in others
            ],
        }
    }


@register.filter
def language_names(codes) -> str:
    """ "ru,kk" (as `catalogue_courses` annotates) as "Русский, Қазақ тілі"."""
    names = dict(settings.LANGUAGES)
    return ", ".join(names.get(code, code) for code in (codes or "").split(",") if code)


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


# Lesson blocks whose HTML depends on nothing but the published content: kept between requests
# under the content generation (`courses.kept`, ADR 0064). Quizzes and H5P activities carry the
# reader's own state and signed grants; images and videos depend on the data saver and on
# storage URLs that may be short-lived, so they are rendered every time.
KEPT_BLOCK_TYPES = frozenset({"heading", "rich_text", "code", "callout", "resource"})


@register.simple_tag(takes_context=True)
def lesson_block(context, block):
    """`{% include_block block with block_id=block.id %}`, kept when the block allows it."""

    def render():
        return block.render_as_block(context={**context.flatten(), "block_id": block.id})

    page = context.get("page")
    if block.block_type not in KEPT_BLOCK_TYPES or not block.id or not getattr(page, "pk", None):
        return render()
    return kept("lesson-block", (page.pk, block.id, block.block_type, get_language()), render)
