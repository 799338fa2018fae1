"""Page routes remembered between requests, so a lesson costs one page query, not one per level.

Wagtail finds a page by walking the tree from the site's root, two queries a level (the
child by slug, then its specific row): nine for a lesson at Home → University → Course →
Module → Lesson. Here the answer of a walk is kept in the cache under the site, the language
and the path, and the next request loads the page by its primary key in one query.

A remembered route is never trusted: the page is loaded only if it is still live, still at
the same `url_path` and still in the same locale, so a page unpublished, moved, renamed or
deleted falls back to the walk at once, and nothing has to invalidate the cache. Only routes
to a page of the reader's own language are kept; a page served in another language (no
translation yet) is walked every time, so the translation is served the moment it exists.
Privacy restrictions and the learner's gates run after routing, as before (ADR 0048).
"""

from __future__ import annotations

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Locale, Page, Site
from wagtail.url_routing import RouteResult

from . import pagecache
from .kept import kept

# A route is checked on every use, so the lifetime only bounds how long an unused one lingers.
ROUTE_SECONDS = 6 * 60 * 60


def _route_key(site: Site, language: str, path: str) -> str:
    digest = hashlib.sha256(f"{site.pk}:{site.root_page_id}:{language}:{path}".encode()).hexdigest()
    return f"ilm:route:{digest}"


def _page_still_at(entry) -> Page | None:
    """The remembered page, if it is still live at the same address in the same locale."""
    try:
        page_id, content_type_id, url_path, locale_id = entry
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except (TypeError, ValueError, ContentType.DoesNotExist):
        return None  # an entry written by another version of this code
    if model is None or not issubclass(model, Page):
        return None
    # With its locale: every page reads it (the document's language, the language links).
    pages = model.objects.select_related("locale")
    return pages.filter(pk=page_id, live=True, url_path=url_path, locale_id=locale_id).first()


def _worth_keeping(route) -> bool:
    page, args, kwargs = route
    if args or kwargs or not page.live:
        return False  # a sub-route of a routable page, or a preview of a draft
    try:
        return page.locale_id == Locale.get_active().pk
    except Locale.DoesNotExist:
        return False


def site_for_request(request) -> Site | None:
    """Wagtail's site for the request's host, kept between requests (`courses.kept`); given to
    Wagtail as the request's own, so the rest of the request reads it from there."""
    host, port = request.get_host(), request.get_port()
    site = kept("site", (host, port), lambda: Site.find_for_request(request))
    request._wagtail_site = site
    # Wagtail reads its site root paths (for every page URL) from the shared cache once per
    # request; kept, they come from this process (ADR 0066). Any site or page write bumps the
    # generation, as it clears Wagtail's own copy.
    request._wagtail_cached_site_root_paths = kept("site-root-paths", (), Site.get_site_root_paths)
    return site


def _walked_page(request, path: str) -> Page | None:
    """Wagtail's walk (its answer stays on the request); the page, if it may be kept."""
    route = Page.route_for_request(request, path)
    if route is None or not _worth_keeping(route):
        return None
    page = route[0]
    page.locale  # noqa: B018 - read now, so it is kept with the page: every page shows it
    return page


def page_route_prepare(request, path: str) -> None:
    """Give Wagtail's `Page.route_for_request` the route for `path`.

    With the shared cache, the page itself is kept under the content generation (ADR 0066):
    any publish, unpublish, move or edit makes it unreachable, so it costs no query and needs
    no check. Without it, a remembered route is checked against the database (ADR 0048).
    """
    site = site_for_request(request)
    if site is None:
        return  # Wagtail answers 404 itself
    language = translation.get_language() or ""
    if pagecache.enabled():
        page = kept(
            "route-page",
            (site.pk, site.root_page_id, language, path),
            lambda: _walked_page(request, path),
        )
        if page is not None and not hasattr(request, "_wagtail_route_for_request"):
            request._wagtail_route_for_request = RouteResult(page)
        return  # nothing kept: Wagtail walks the tree itself
    key = _route_key(site, language, path)
    entry = cache.get(key)
    page = _page_still_at(entry) if entry is not None else None
    if page is not None:
        request._wagtail_route_for_request = RouteResult(page)
        return
    route = Page.route_for_request(request, path)
    if route is not None and _worth_keeping(route):
        page = route[0]
        cache.set(
            key, (page.pk, page.content_type_id, page.url_path, page.locale_id), ROUTE_SECONDS
        )
