"""Production: refuses to start on insecure defaults; HTTPS-only cookies and HSTS.

Values from the environment come from `lms.env`, as in base.py; this module only tightens
defaults and checks that the operator set what production needs. It is the default settings
module of every server process (lms/wsgi.py, lms/asgi.py, lms/celery.py).
"""

from django.core.exceptions import ImproperlyConfigured

from lms import env

from .base import *  # noqa: F403
from .base import mailers_from_env

# DEBUG pages show tracebacks and settings to whoever triggers an error: a DEBUG variable
# left in a production environment is refused rather than silently ignored.
if env.DEBUG:
    raise ImproperlyConfigured("Unset DEBUG: production never shows debug pages.")
DEBUG = False

_INSECURE_KEYS = {"", "insecure-development-key-change-me"}
if SECRET_KEY in _INSECURE_KEYS or len(SECRET_KEY) < 50:  # noqa: F405
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
if not env.ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the site's host names.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":  # noqa: F405
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL.")
if not CELERY_BROKER_URL:  # noqa: F405
    raise ImproperlyConfigured("Set CELERY_BROKER_URL: production runs a real Celery worker.")
# H5P's own origin (ADR 0061) is safe only on another host name than the site's, over HTTPS;
# the `__Host-` cookies below never reach another host.
if ILM_H5P_ORIGIN and (  # noqa: F405
    not ILM_H5P_ORIGIN.startswith("https://")  # noqa: F405
    or ILM_H5P_ORIGIN.split("://", 1)[1] == SITE_URL.split("://", 1)[-1]  # noqa: F405
):
    raise ImproperlyConfigured(
        "ILM_H5P_ORIGIN must be an https:// origin on another host name than SITE_URL."
    )

SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.SECURE_HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# The `__Host-` prefix pins cookies to this exact origin over HTTPS.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

ACCOUNT_EMAIL_VERIFICATION = "mandatory"
MAILERS = mailers_from_env("django.core.mail.backends.smtp.EmailBackend")
# Issuer signing keys are encrypted with ILM_KEY_ENCRYPTION_KEY(_FILE); never with a key
# derived from SECRET_KEY in production (see certificates/keys.py).
CERTIFICATES_ALLOW_KEK_FALLBACK = False
ILM_REQUIRE_STAFF_MFA = env.ILM_REQUIRE_STAFF_MFA is not False  # on unless turned off
LOG_FORMAT = "json"
LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405

# S3-compatible object storage for uploads when a bucket is configured (django-storages).
if env.AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.AWS_S3_ENDPOINT_URL or None,
            "region_name": env.AWS_S3_REGION_NAME or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
