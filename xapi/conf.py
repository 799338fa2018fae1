"""The LRS's settings (their one default is in `lms/settings/base.py`).

Read at call time, not import time, so `override_settings` in tests takes effect.
"""

from django.conf import settings


def max_body_bytes() -> int:
    """Largest request body (statements, attachments, documents) the LRS reads: 413 above."""
    return settings.XAPI_MAX_BODY_BYTES


def max_batch_statements() -> int:
    """Most statements one POST may carry: 413 above."""
    return settings.XAPI_MAX_BATCH_STATEMENTS


def page_size() -> int:
    """Most statements one GET returns; `limit=0` means this many."""
    return settings.XAPI_STATEMENTS_PAGE_SIZE


def consistency_margin_seconds() -> float:
    """How far behind "now" X-Experience-API-Consistent-Through is reported.

    Statements are written synchronously, but a transaction that set `stored` a moment ago
    may still be committing; the margin covers that window.
    """
    return settings.XAPI_CONSISTENCY_MARGIN_SECONDS
