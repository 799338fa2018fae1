"""`/healthz`: is the database, the broker, the cache and storage reachable?

Answers 200 when every configured dependency works and 503 otherwise. It names each check
and says ok/error, never the connection details or the exception text (they can hold hosts,
user names or keys).
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from lms.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache read-back failed")
    cache.delete(key)


def _check_storage() -> None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS = {
    "database": _check_database,
    "broker": _check_broker,
    "cache": _check_cache,
    "storage": _check_storage,
}


@never_cache
@require_GET
def healthz(request):
    results: dict[str, str] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            outcome = check()
            results[name] = outcome if isinstance(outcome, str) else "ok"
        except Exception:
            logger.exception("health check %s failed", name)
            results[name] = "error"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
    )
