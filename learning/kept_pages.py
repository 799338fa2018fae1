"""A learner's own lesson page, kept for them (ADR 0067).

A reading lesson shows the learner the same bytes until the content changes (the content
generation of `courses.pagecache`) or their own records do (`learning.records_version`):
their progress, enrollment, memberships, account. Such a page is kept under both, per learner,
host, language, data saver, offline cookie and path, and served again with only the
visitor's CSRF token put in, without reading the enrollment or the memberships.

Kept: a lesson an enrolled learner reads, with no quiz (a quiz's standing changes with the
clock: windows, time limits) and no activity (its play token is issued per render and reads
the CSRF token directly, which `pagecache.keepable` refuses). Not kept: staff previews, the
locked page, any answer that set a cookie, wrote to the session or added a message, and any
request with a message waiting to be shown (a kept page would not show it).

Only with the shared cache (`PAGE_CACHE`), as the anonymous page cache.
"""

from __future__ import annotations

import hashlib
import zlib

from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.template.response import SimpleTemplateResponse

from courses import pagecache

from . import records_version

# Nothing on a kept page changes with the clock; the bound is for memory, not freshness.
PAGE_SECONDS = 10 * 60
OFFLINE_COOKIE = "ilm_offline"  # the lesson shows the offline status panel when it is set


def _may_answer_kept(request) -> bool:
    return (
        pagecache.enabled()
        and request.method in ("GET", "HEAD")
        and request.user.is_authenticated
        # A lesson takes no query string: one with any is rendered, never kept, so no one
        # can fill the cache with copies of a page under made-up queries.
        and not request.META.get("QUERY_STRING")
        and not request.COOKIES.get(CookieStorage.cookie_name)
        and SessionStorage.session_key not in request.session
    )


def _key(request) -> str:
    everyone, own = records_version.versions(request.user.pk)
    parts = [
        str(pagecache.generation()),
        str(everyone),
        str(own),
        str(request.user.pk),
        *pagecache.visit_parts(request),
        "offline" if request.COOKIES.get(OFFLINE_COOKIE) else "",
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"ilm:learner-page:{digest}"


def answered_kept(request, render):
    """The page `render()` builds, from the learner's kept copy when there is one.

    `render()` answers `(response, keep)`: `keep` says the page is one this module keeps (an
    enrolled learner's reading lesson); the answer itself must still be `keepable`.
    """
    if not _may_answer_kept(request):
        return render()[0]
    key = _key(request)
    kept = cache.get(key)
    if kept is not None:
        compressed, headers, placeholder = kept
        return pagecache.answer(request, zlib.decompress(compressed), headers, "hit", placeholder)
    response, keep = render()
    if not keep or not isinstance(response, SimpleTemplateResponse) or response.is_rendered:
        return response
    pagecache.render_with_placeholder(response)
    placeholder = pagecache.CSRF_PLACEHOLDER
    if not pagecache.keepable(request, response, signed_in=True):
        response.content = pagecache.with_token(request, response.content, placeholder)
        return response
    headers = pagecache.kept_headers(response)
    # Compressed: a reading lesson's HTML shrinks about four times, in memory and on the wire.
    cache.set(key, (zlib.compress(response.content, 1), headers, placeholder), PAGE_SECONDS)
    return pagecache.answer(request, response.content, headers, "miss", placeholder)
