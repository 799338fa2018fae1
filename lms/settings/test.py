"""Test settings: fast hashing, in-memory email, eager tasks unless a suite sets a broker."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS = False
ALLOWED_HOSTS = ["*"]
# The forwarding tests' receiving LRS runs on loopback; xapi/tests/test_forwarding_hosts.py
# turns this off to prove the refusal.
ILM_XAPI_FORWARD_ALLOW_PRIVATE_HOSTS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os

    # A file, not SQLite's shared-cache memory database: that one answers concurrent writers
    # with "table is locked" instead of waiting, and the capacity race test needs real waiting.
    # The pid keeps concurrent test runs in one checkout apart.
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }
    # Durability is worthless for a throw-away test database; fsyncs would dominate the run.
    DATABASES["default"]["OPTIONS"]["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
    )
