"""Settings for `make bench`: the development settings with debugging off, as production serves.

Only the benchmark uses these. They add a plain template view (see `bench/urls.py`) to compare
the platform's pages against, and a fast password hasher so that building learners is quick.
"""

from lms.settings.dev import *  # noqa: F403

DEBUG = False
DEMO_MODE = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
# Serve static files from the app folders without a collectstatic step.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"  # noqa: F405 - created by bench/run.py
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
# The anonymous pages from the page cache (ADR 0056). Per process here (no Redis), which is
# safe only because nothing is written while the pages are measured.
PAGE_CACHE = True
