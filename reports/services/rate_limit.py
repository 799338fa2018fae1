"""A fixed-window rate limit for the reports API, counted in Django's cache."""

import math
import time

from django.conf import settings
from django.core.cache import cache


def rate_limit_hit(key: str, *, limit: int | None = None, window: int | None = None) -> int | None:
    """Count one request for `key` in a fixed window (Django's cache, shared by every worker
    when the cache is Redis). Returns None if allowed, else the seconds until the next window."""
    limit = limit or settings.REPORTS_API_RATE_LIMIT
    window = window or settings.REPORTS_API_RATE_WINDOW
    now = time.time()
    bucket = int(now // window)
    cache_key = f"reports:rate:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, math.ceil((bucket + 1) * window - now))
    return None
