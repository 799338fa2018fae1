"""Create xAPI Basic-auth credentials for a university and print them once."""

from django.core.management.base import BaseCommand, CommandError

from universities.models import University
from xapi.services import lrs_client_create


class Command(BaseCommand):
    help = "Create LRS client credentials for a university. Prints 'key: …' and 'secret: …'."

    def add_arguments(self, parser):
        parser.add_argument("--university", required=True, help="the university's code")
        parser.add_argument("--name", required=True, help="what the client is, e.g. 'Analytics'")

    def handle(self, *args, university: str, name: str, **options):
        found = University.objects.filter(code=university).first()
        if found is None:
            raise CommandError(f"No university with code {university!r}.")
        if not name.strip():
            raise CommandError("The name must not be empty.")
        credentials = lrs_client_create(university=found, name=name)
        self.stdout.write(f"key: {credentials.key}")
        self.stdout.write(f"secret: {credentials.secret}")
