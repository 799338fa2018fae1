"""A full-page cache for anonymous readers of the catalogue and the pages of the tree (ADR 0056).

A page is kept only when it cannot depend on who asked: a GET or HEAD from a visitor who is
not signed in and sends no cookie but the language, data-saver and CSRF cookies, answered 200
with no cookie of its own, no message and an untouched session. The key holds the host, the
scheme, the language, the data-saver state, the path, the exact query string and the content
generation: one counter, bumped the moment anything a page shows is written (a page published,
unpublished, saved, moved or deleted, a course run, a university, a site, an enrollment...).
A bump makes every kept page unreachable at once; nothing has to find and delete entries.

The CSRF token is the one per-visitor value an anonymous page carries (the data-saver toggle
in the footer is a form). A cacheable page is rendered with a placeholder in its place, and
every answer, hit or miss, gets the visitor's own token put in just before it leaves, so the
kept bytes never hold anyone's token. A view that reads the token any other way is not kept.

Only with a cache every process shares (Redis, `PAGE_CACHE` in settings): with a per-process
cache a bump in one worker would leave the others serving old pages.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from accounts.data_saver import COOKIE_NAME as DATA_SAVER_COOKIE
from accounts.data_saver import data_saver_on

# Time-driven changes (a run's enrollment window opening on its date) show within this bound.
PAGE_SECONDS = 60
GENERATION_KEY = "ilm:pagecache:generation"
# A longer query string is served, not kept: random queries must not fill the cache.
MAX_QUERY_LENGTH = 512
HEADER = "X-Ilm-Cache"
# Per process, so no page can guess it; only the bytes this process rendered are kept.
CSRF_PLACEHOLDER = f"ilm-csrf-{secrets.token_hex(16)}"
_KEPT_HEADERS = ("Content-Type", "Content-Language")


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE", False)


# Within one request the generation is read once (ADR 0066): the page cache, the route and
# every kept value of a page then agree on it, and a page costs one round trip for it, not
# one per kept value. `None` outside requests (tasks, commands): read on every call there.
_request_generation: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "ilm_request_generation", default=None
)


def generation() -> int:
    memo = _request_generation.get()
    if memo:
        return memo[0]
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A fresh random start, never 1 again: an evicted counter must not reach old pages.
        cache.add(GENERATION_KEY, secrets.randbits(48), timeout=None)
        value = cache.get(GENERATION_KEY, 0)
    if memo is not None:
        memo.append(value)
    return value


def _request_begins(**kwargs) -> None:
    _request_generation.set([])


def _request_ends(**kwargs) -> None:
    _request_generation.set(None)


def _forget_generation() -> None:
    # A write in this request: what it reads next must be kept under the new generation.
    memo = _request_generation.get()
    if memo:
        memo.clear()


def _bump() -> None:
    _forget_generation()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter (evicted or never read): a random start reaches no old page
        cache.set(GENERATION_KEY, secrets.randbits(48), timeout=None)


def content_changed() -> None:
    """Every kept page is stale: bump now, so no reader gets the old page from here on, and
    again when the transaction commits, so a page rendered from the old rows in between
    (another request that read before the commit) is not kept under the new generation."""
    _bump()
    transaction.on_commit(_bump)


def _cookies_allowed(request) -> bool:
    allowed = {settings.LANGUAGE_COOKIE_NAME, DATA_SAVER_COOKIE, settings.CSRF_COOKIE_NAME}
    return set(request.COOKIES) <= allowed


def _cacheable_request(request) -> bool:
    if not enabled() or request.method not in ("GET", "HEAD"):
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
        return False
    # No session cookie means no signed-in user, and no session read costs a query.
    return _cookies_allowed(request) and not request.user.is_authenticated


def visit_parts(request) -> list[str]:
    """What a kept page's bytes depend on besides who reads it and the generation."""
    return [
        request.scheme,
        request.get_host(),
        translation.get_language() or "",
        "saver" if data_saver_on(request) else "full",
        request.path,
    ]


def _key(request) -> str:
    parts = [str(generation()), *visit_parts(request), request.META.get("QUERY_STRING", "")]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"ilm:page:{digest}"


def keepable(request, response, *, signed_in: bool = False) -> bool:
    """Whether a rendered answer holds nothing of this visit but the CSRF placeholder: no
    cookie or message of its own, an untouched session, no token read another way, and (for
    the anonymous cache) nobody who signed in during the view."""
    session = getattr(request, "session", None)
    storage = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the token was read directly
        and not (session is not None and session.modified)
        and not (storage is not None and getattr(storage, "added_new", False))
        and (signed_in or not request.user.is_authenticated)
    )


def with_token(request, content: bytes, placeholder: str) -> bytes:
    marker = placeholder.encode()
    if marker not in content:
        return content
    return content.replace(marker, get_token(request).encode())


def answer(request, content: bytes, headers: dict, state: str, placeholder: str):
    """A kept page as an answer to this visit, with the visitor's own CSRF token in it."""
    from django.http import HttpResponse

    response = HttpResponse(with_token(request, content, placeholder))
    for name, value in headers.items():
        response[name] = value
    response[HEADER] = state
    patch_vary_headers(response, ["Cookie"])  # for caches downstream: signed-in pages differ
    return response


def render_with_placeholder(response: SimpleTemplateResponse) -> None:
    """Render `response` with the CSRF placeholder where the token goes."""
    response.context_data = dict(response.context_data or {})
    response.context_data["csrf_token"] = CSRF_PLACEHOLDER
    response.render()


def kept_headers(response) -> dict:
    return {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}


def page_cached(view):
    """Serve `view`'s anonymous answers from the page cache, and keep the ones that may be."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        kept = cache.get(key)
        if kept is not None:
            # The entry names its own placeholder: another worker process rendered it.
            content, headers, placeholder = kept
            return answer(request, content, headers, "hit", placeholder)
        response = view(request, *args, **kwargs)
        if not isinstance(response, SimpleTemplateResponse) or response.is_rendered:
            return response  # rendered elsewhere: its token cannot be kept out of the bytes
        render_with_placeholder(response)
        if not keepable(request, response):
            response.content = with_token(request, response.content, CSRF_PLACEHOLDER)
            return response
        headers = kept_headers(response)
        cache.set(key, (response.content, headers, CSRF_PLACEHOLDER), PAGE_SECONDS)
        return answer(request, response.content, headers, "miss", CSRF_PLACEHOLDER)

    return wrapped


# What the pages show is written in these apps; a write to any of their models is a change.
# Learning's records are mostly the reader's own (never in an anonymous page); the two it
# shows anonymous readers (seats taken, the outline) bump through `learning.receivers`.
WATCHED_APPS = frozenset(
    {"courses", "universities", "wagtailcore", "wagtailimages", "wagtaildocs", "taggit"}
)


def _model_written(sender, raw=False, **kwargs) -> None:
    if not raw and sender._meta.app_label in WATCHED_APPS:
        content_changed()


def _page_event(sender, **kwargs) -> None:
    content_changed()


def receivers_connect() -> None:
    """Called by `CoursesConfig.ready()`."""
    from django.core.signals import request_finished, request_started
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail import signals as wagtail_signals

    request_started.connect(_request_begins, dispatch_uid="pagecache-request-started")
    request_finished.connect(_request_ends, dispatch_uid="pagecache-request-finished")

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_model_written, dispatch_uid=f"pagecache-{id(signal)}")
    # A move rewrites the tree with queryset updates, which send no `post_save`.
    for name in (
        "page_published",
        "page_unpublished",
        "published",
        "unpublished",
        "page_slug_changed",
        "post_page_move",
    ):
        signal = getattr(wagtail_signals, name)
        signal.connect(_page_event, dispatch_uid=f"pagecache-{id(signal)}")
