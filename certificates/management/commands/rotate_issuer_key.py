from django.core.management.base import BaseCommand, CommandError

from certificates.services import issuer_key_rotate
from universities.models import University


class Command(BaseCommand):
    help = "Add a new signing key for a university; old keys stay listed so old credentials verify."

    def add_arguments(self, parser):
        parser.add_argument("university", help="the university's short code")

    def handle(self, *args, university, **options):
        found = University.objects.filter(code=university).first()
        if found is None:
            raise CommandError(f"no university with code {university!r}")
        key = issuer_key_rotate(university=found)
        self.stdout.write(f"{found.code}: now signing with {key.public_multikey}")
