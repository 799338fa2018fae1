from django.core.management.base import BaseCommand

from outbox.services import outbox_relay


class Command(BaseCommand):
    help = "Publish background work that could not reach the broker when it was enqueued."

    def handle(self, *args, **options):
        sent = outbox_relay(limit=100_000)
        self.stdout.write(f"relayed {sent} message(s)")
