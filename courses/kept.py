"""Reads that every page repeats, kept between requests under the content generation (ADR 0064).

A lesson page used to ask the database for the same things on every request: the site, the
lesson's course, the course outline with each lesson in the reader's language, and the
page's translations for the language links. None of them depends on who reads; all of them
change only when content is written. They are kept here under the page cache's content
generation (`courses.pagecache`), which any such write bumps, so a kept value is never served
after a change: the next request finds no entry for the new generation and reads again.

The generation is read before the database, so a value computed from rows a writer is about
to replace is kept under a generation that the writer's commit makes unreachable (the bump
before and after the commit, `pagecache.content_changed`).

On only where the page cache is (`PAGE_CACHE`, a cache every process shares): with a
per-process cache one worker's bump would leave the others with old values.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from . import pagecache

# Unused entries go; used ones are checked by generation on every read, not by age.
KEPT_SECONDS = 10 * 60
_MISSING = object()


def kept(name: str, parts: tuple, compute):
    """`compute()`, or the value it gave for the same `name` and `parts` since the last content
    change. `parts` are turned into the key with `repr`, so they must be plain values."""
    if not pagecache.enabled():
        return compute()
    generation = pagecache.generation()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"ilm:kept:{name}:{generation}:{digest}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, KEPT_SECONDS)
    return value
