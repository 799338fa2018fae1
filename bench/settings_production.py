"""Settings for the pages part of `make bench`: the production settings, as deployed.

`lms.settings.production` with the environment a deployment sets (docs/deploy.md), which
`bench/run.py` provides: SECRET_KEY, ALLOWED_HOSTS, SITE_URL, a PostgreSQL DATABASE_URL,
REDIS_URL and CELERY_BROKER_URL. Only three things differ from a deployment:

- the plain template view the platform is measured against (`bench/urls.py`);
- a fast password hasher, so that building thousands of learners is quick (no page the
  benchmark measures checks a password);
- static files served from the app folders (no collectstatic step in the benchmark): the
  manifest lookup a deployment does per `{% static %}` tag is a dictionary read.
"""

from lms.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"  # noqa: F405 - created by bench/run.py
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
