"""Reads that every page repeats, kept between requests under the content generation (ADR 0064).

A lesson page used to ask the database for the same things on every request: the site, the
page itself, the lesson's course, the course outline with each lesson in the reader's
language, and the page's translations for the language links. None of them depends on who
reads; all of them change only when content is written. They are kept here under the page
cache's content generation (`courses.pagecache`), which any such write bumps, so a kept value
is never served after a change: the next request finds no entry for the new generation and
reads again.

The generation is read before the database, so a value computed from rows a writer is about
to replace is kept under a generation that the writer's commit makes unreachable (the bump
before and after the commit, `pagecache.content_changed`).

Two tiers (ADR 0066): the shared cache, and a small copy in each process. The process copy
costs no round trip; it is as safe as the shared one because its keys hold the generation,
which each request reads from the shared cache once. Both hold pickled bytes, so every
reader gets its own objects and nothing one request sets on a value reaches another.

On only where the page cache is (`PAGE_CACHE`, a cache every process shares): with a
per-process cache one worker's bump would leave the others with old values.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict

from django.core.cache import cache

from . import pagecache

# Unused entries go; used ones are checked by generation on every read, not by age.
KEPT_SECONDS = 10 * 60
# Per process: a few pages' worth of outlines, routes and rendered blocks per language.
LOCAL_ENTRIES = 2_000
_MISSING = object()


class _ProcessTier:
    """The newest generation's values in this process, least recently used dropped first."""

    def __init__(self, size: int):
        self.size = size
        self.generation = None
        self.values: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, generation, key: str) -> bytes | None:
        with self.lock:
            if generation != self.generation:
                return None
            data = self.values.get(key)
            if data is not None:
                self.values.move_to_end(key)
            return data

    def put(self, generation, key: str, data: bytes) -> None:
        with self.lock:
            if generation != self.generation:
                # Values of older generations can never be read again.
                self.generation = generation
                self.values.clear()
            self.values[key] = data
            while len(self.values) > self.size:
                self.values.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.generation = None
            self.values.clear()


process_tier = _ProcessTier(LOCAL_ENTRIES)


def kept(name: str, parts: tuple, compute):
    """`compute()`, or the value it gave for the same `name` and `parts` since the last content
    change. `parts` are turned into the key with `repr`, so they must be plain values. `None`
    is not kept: a miss (a path that leads nowhere) must not fill the cache."""
    if not pagecache.enabled():
        return compute()
    generation = pagecache.generation()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"ilm:kept:{name}:{generation}:{digest}"
    data = process_tier.get(generation, key)
    if data is None:
        data = cache.get(key)
        if data is None:
            value = compute()
            if value is None:
                return None
            data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            cache.set(key, data, KEPT_SECONDS)
        process_tier.put(generation, key, data)
    # Bytes this platform pickled, read from its own cache, as Django's cache itself does.
    return pickle.loads(data)  # noqa: S301
