"""Set or clear how long a university keeps its xAPI statements (ADR 0060)."""

from django.core.management.base import BaseCommand, CommandError

from universities.models import University
from xapi.services import statement_retention_set


class Command(BaseCommand):
    help = (
        "Keep a university's xAPI statements for DAYS days (beat deletes older ones every six "
        "hours), or 'forever' to keep them all. Prints the period in force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--university", required=True, help="the university's code")
        parser.add_argument("period", help="a number of days (at least 1), or 'forever'")

    def handle(self, *args, university: str, period: str, **options):
        found = University.objects.filter(code=university).first()
        if found is None:
            raise CommandError(f"No university with code {university!r}.")
        if period == "forever":
            days = None
        elif period.isascii() and period.isdigit() and int(period) >= 1:
            days = int(period)
        else:
            raise CommandError("The period must be a number of days (at least 1) or 'forever'.")
        statement_retention_set(university=found, days=days)
        self.stdout.write(f"{found.code}: " + (f"{days} days" if days else "kept forever"))
