"""Fixtures every test in the project gets."""

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property-based tests run in every suite, so the default profile keeps them to seconds.
# `--hypothesis-profile=thorough` searches longer. Deadlines are off: the machine is shared
# and a slow example is not a failure. Examples reuse the test's function-scoped database
# fixtures, which is what the health check would warn about.
_HYPOTHESIS_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
hypothesis_settings.register_profile(
    "ci", max_examples=25, database=None, print_blob=True, **_HYPOTHESIS_COMMON
)
hypothesis_settings.register_profile("thorough", max_examples=400, **_HYPOTHESIS_COMMON)
hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def default_language():
    """Start each test in the default language.

    A request through the test client to `/ru/…` leaves Russian active in the thread after
    the response, so without this a test's language would depend on the test that ran before
    it on the same worker.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def production_caches(settings):
    """The page cache and `courses.kept` on, sessions in the cache: as production runs them
    (with Redis), on the test cache. Emptied before and after, since ids repeat between tests."""
    from django.core.cache import cache

    from courses.kept import process_tier

    settings.PAGE_CACHE = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    cache.clear()
    process_tier.clear()
    yield
    cache.clear()
    process_tier.clear()
