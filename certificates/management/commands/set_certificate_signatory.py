"""Name who signs a university's printed certificates (the PDF's signature area)."""

from django.core.management.base import BaseCommand, CommandError

from certificates.policies import PolicyError, certificate_signatory_set
from universities.models import University


class Command(BaseCommand):
    help = (
        "Set the name and title printed in the signature area of a university's PDF "
        "certificates (blank for none). The signed credentials are not changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("university", help="the university's short code")
        parser.add_argument("--name", default="", help="the signatory's name")
        parser.add_argument("--title", default="", help="the signatory's title, e.g. Rector")

    def handle(self, *args, university, name, title, **options):
        found = University.objects.filter(code=university).first()
        if found is None:
            raise CommandError(f"no university with code {university!r}")
        try:
            certificate_signatory_set(university=found, name=name, title=title)
        except PolicyError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{found.code}: certificates signed by {name or '-'} ({title or '-'})")
