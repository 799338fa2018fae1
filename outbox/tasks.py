from celery import shared_task

from .services import outbox_relay


@shared_task(name="outbox.relay", ignore_result=True, soft_time_limit=60, time_limit=90)
def relay_pending_messages() -> int:
    return outbox_relay()
