"""Relay pending messages as soon as a worker comes up (e.g. after a broker outage)."""

import logging

from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@worker_ready.connect
def relay_on_worker_start(**kwargs):
    from .services import outbox_relay

    try:
        sent = outbox_relay()
    except Exception:
        logger.exception("outbox: relay at worker start failed")
        return
    if sent:
        logger.info("outbox: relayed %s pending messages at worker start", sent)
