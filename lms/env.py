"""The process environment, read once: every variable Ilm takes, parsed, with its one default.

This is the only module that reads `os.environ` for configuration (`lms/tests/test_env.py`
holds every other module to that). The settings modules read the names below; no other code
reads the environment, it reads `django.conf.settings`.

A variable is `None` when it is unset only where the settings modules choose the default
themselves, because production's differs (or production requires the variable):
`ALLOWED_HOSTS`, `EMAIL_BACKEND` and `ILM_REQUIRE_STAFF_MFA`. `docs/deploy.md` lists them all.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# One snapshot, taken when the settings are first imported: later changes to os.environ in
# the running process do not change the configuration.
_ENVIRON = dict(os.environ)
_TRUE = {"1", "true", "yes", "on"}


def _text(name: str, default: str = "") -> str:
    return _ENVIRON.get(name, default)


def _optional_text(name: str) -> str | None:
    return _ENVIRON.get(name)


def _optional_bool(name: str) -> bool | None:
    value = _ENVIRON.get(name)
    return None if value is None else value.strip().lower() in _TRUE


def _bool(name: str, default: bool) -> bool:
    value = _optional_bool(name)
    return default if value is None else value


def _int(name: str, default: int) -> int:
    return int(_ENVIRON.get(name, str(default)))


def _days(name: str) -> int:
    """A number of days where unset or empty means 0 ("keep forever")."""
    value = _ENVIRON.get(name, "").strip()
    return int(value) if value else 0


def _list(name: str) -> list[str]:
    return [item.strip() for item in _text(name).split(",") if item.strip()]


def _optional_list(name: str) -> list[str] | None:
    return None if _optional_text(name) is None else _list(name)


def _path(name: str, default: Path) -> Path:
    return Path(_ENVIRON.get(name, str(default)))


# --- The site ------------------------------------------------------------------------------
SECRET_KEY = _text("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = _bool("DEBUG", False)
# None when unset: the loopback names (base.py), refused by production.py.
ALLOWED_HOSTS = _optional_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")
# Printed in certificates and their QR codes: the public https origin in production.
SITE_URL = _text("SITE_URL", "http://127.0.0.1:8000")
DEMO_MODE = _bool("DEMO_MODE", False)
# The origin (scheme://host[:port]) of a host name that serves only H5P activities, so they
# can play offline (ADR 0061): the same server under another name, never covered by the
# session cookie. Empty: activities play in an opaque-origin sandbox, online only.
ILM_H5P_ORIGIN = _text("ILM_H5P_ORIGIN", "")

# --- Storage -------------------------------------------------------------------------------
DATABASE_URL = _text("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DB_CONN_MAX_AGE = _int("DB_CONN_MAX_AGE", 60)
# Uploads (documents, images) live here, outside any folder a web server publishes: every
# file is served through a gate (ADR 0024). MEDIA_ROOT is where earlier releases kept them,
# publicly served; `manage.py uploads_relocate` moves what is left there.
UPLOADS_ROOT = _path("UPLOADS_ROOT", BASE_DIR / "var" / "uploads")
MEDIA_ROOT = _path("MEDIA_ROOT", BASE_DIR / "media")
# How a gated file leaves the web process: "django" streams it; "x-accel-redirect" (nginx)
# and "x-sendfile" (Apache, lighttpd) hand the open file to the proxy.
FILE_DELIVERY = _text("FILE_DELIVERY", "django")
FILE_DELIVERY_INTERNAL_PREFIX = _text("FILE_DELIVERY_INTERNAL_PREFIX", "/internal-uploads/")
H5P_ROOT = _path("H5P_ROOT", BASE_DIR / "var" / "h5p")
PRIVATE_STORAGE_ROOT = _path("PRIVATE_STORAGE_ROOT", BASE_DIR / "var" / "private")
# S3-compatible object storage for uploads (production.py); empty: local disk.
AWS_STORAGE_BUCKET_NAME = _text("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = _text("AWS_S3_ENDPOINT_URL")
AWS_S3_REGION_NAME = _text("AWS_S3_REGION_NAME")

# --- Cache, sessions and Celery ----------------------------------------------------------
REDIS_URL = _text("REDIS_URL")
# Empty: tasks run eagerly in the calling process (ADR 0002).
CELERY_BROKER_URL = _text("CELERY_BROKER_URL")
CELERY_VISIBILITY_TIMEOUT = _int("CELERY_VISIBILITY_TIMEOUT", 3600)
# A running export job writes its progress and a heartbeat this often (seconds); one whose
# heartbeat is older than the stale limit lost its worker and is started again.
REPORTS_JOB_HEARTBEAT_SECONDS = float(_text("REPORTS_JOB_HEARTBEAT_SECONDS", "5"))
REPORTS_JOB_STALE_SECONDS = _int("REPORTS_JOB_STALE_SECONDS", 60)
# Reports API tokens expire: the lifetime a new token gets unless its creator picks a shorter
# one, and the longest anyone may pick (days).
ILM_API_TOKEN_DEFAULT_DAYS = _int("ILM_API_TOKEN_DEFAULT_DAYS", 90)
ILM_API_TOKEN_MAX_DAYS = _int("ILM_API_TOKEN_MAX_DAYS", 365)
# Retention of learning records and the audit log, in days; unset, empty or 0: forever.
ILM_XAPI_STATEMENT_RETENTION_DAYS = _days("ILM_XAPI_STATEMENT_RETENTION_DAYS")
ILM_AUDIT_RETENTION_DAYS = _days("ILM_AUDIT_RETENTION_DAYS")

# --- Email ---------------------------------------------------------------------------------
# None when unset: the console in development and tests, SMTP in production.
EMAIL_BACKEND = _optional_text("EMAIL_BACKEND")
EMAIL_HOST = _text("EMAIL_HOST", "localhost")
EMAIL_PORT = _int("EMAIL_PORT", 587)
EMAIL_USER = _text("EMAIL_USER")
EMAIL_PASSWORD = _text("EMAIL_PASSWORD")
EMAIL_USE_TLS = _bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = _text("DEFAULT_FROM_EMAIL", "Ilm <noreply@ilm.invalid>")

# --- Accounts ------------------------------------------------------------------------------
ACCOUNT_EMAIL_VERIFICATION = _text("ACCOUNT_EMAIL_VERIFICATION", "optional")
# None when unset: off in development and tests, on in production.
ILM_REQUIRE_STAFF_MFA = _optional_bool("ILM_REQUIRE_STAFF_MFA")

# --- Certificates --------------------------------------------------------------------------
# The key-encryption key for issuer signing keys (certificates/keys.py), or the path of a file
# holding it; the file is read only when a key is sealed or opened.
ILM_KEY_ENCRYPTION_KEY = _text("ILM_KEY_ENCRYPTION_KEY")
ILM_KEY_ENCRYPTION_KEY_FILE = _text("ILM_KEY_ENCRYPTION_KEY_FILE")

# --- HTTPS (production.py only) -----------------------------------------------------------
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 31536000)

# --- Logs ----------------------------------------------------------------------------------
LOG_FORMAT = _text("LOG_FORMAT", "plain")  # production.py forces "json"
LOG_LEVEL = _text("LOG_LEVEL", "INFO")
