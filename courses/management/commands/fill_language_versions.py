"""Give every live page a version in every interface language (ADR 0030).

Publishing does this for the page published; run this after adding a language, after a bulk
import, or on an existing database. Idempotent.
"""

from django.core.management.base import BaseCommand

from courses.language_versions import versions_fill_all


class Command(BaseCommand):
    help = "Create aliases so that every live page answers under every language prefix."

    def handle(self, *args, **options):
        made = versions_fill_all()
        self.stdout.write(f"{made} language version(s) created.")
