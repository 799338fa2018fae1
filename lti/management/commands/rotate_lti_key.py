"""Make a new LTI tool signing key; the old one stays in the JWKS for the grace period."""

from django.core.management.base import BaseCommand

from lti.keys import GRACE_PERIOD, tool_key_create, tool_keys_prune


class Command(BaseCommand):
    help = "Rotate Ilm's LTI signing key (the previous key stays published for a grace period)."

    def handle(self, *args, **options):
        key = tool_key_create()
        pruned = tool_keys_prune()
        self.stdout.write(
            f"New LTI key {key.kid}; previous keys stay published for {GRACE_PERIOD.days} days; "
            f"{pruned} expired key(s) removed."
        )
