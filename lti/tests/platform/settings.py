"""The test LTI 1.3 platform: a Django project of its own, run in another process by `run.py`.

Everything it needs comes from the environment `run.py` sets: the SQLite file, its issuer
URL and the RSA key (a JWK) generated at start. No apps, no models: see `store.py`.
"""

import os

SECRET_KEY = os.environ.get("PLATFORM_SECRET_KEY", "lti-platform-test-only")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "lti.tests.platform.urls"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
USE_TZ = True
USE_I18N = False
PLATFORM_DB = os.environ.get("PLATFORM_DB", ":memory:")
PLATFORM_ISSUER = os.environ.get("PLATFORM_ISSUER", "http://127.0.0.1")
PLATFORM_KEY = os.environ.get("PLATFORM_KEY", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
