"""The LRS's settings, with their defaults. Read at call time so tests can override them."""

from django.conf import settings


def max_body_bytes() -> int:
    """Largest request body (statements, attachments, documents) the LRS reads: 413 above."""
    return int(getattr(settings, "XAPI_MAX_BODY_BYTES", 10 * 1024 * 1024))


def max_batch_statements() -> int:
    """Most statements one POST may carry: 413 above."""
    return int(getattr(settings, "XAPI_MAX_BATCH_STATEMENTS", 1000))


def page_size() -> int:
    """Most statements one GET returns; `limit=0` means this many."""
    return int(getattr(settings, "XAPI_STATEMENTS_PAGE_SIZE", 100))


def consistency_margin_seconds() -> float:
    """How far behind "now" X-Experience-API-Consistent-Through is reported.

    Statements are written synchronously, but a transaction that set `stored` a moment ago
    may still be committing; the margin covers that window.
    """
    return float(getattr(settings, "XAPI_CONSISTENCY_MARGIN_SECONDS", 1.0))
