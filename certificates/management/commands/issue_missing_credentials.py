"""Issue every credential a completed enrollment should have and lacks (cron or by hand)."""

from django.core.management.base import BaseCommand

from certificates.issuance import missing_credentials_issue


class Command(BaseCommand):
    help = "Issue credentials owed to completed enrollments; retries recorded failures when due."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args, limit, **options):
        result = missing_credentials_issue(limit=limit)
        self.stdout.write(f"issued {result.issued}, failed {result.failed}")
