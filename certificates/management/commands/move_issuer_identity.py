"""After a change of domain: issue new credentials under the DID of the new SITE_URL."""

from django.core.management.base import BaseCommand, CommandError

from certificates.identities import IdentityError, issuer_identity_move
from universities.models import University


class Command(BaseCommand):
    help = (
        "Issue a university's new credentials under the DID of the current SITE_URL. The old "
        "DID keeps its keys and status lists; serve or publish its document (export_credentials)."
    )

    def add_arguments(self, parser):
        parser.add_argument("university", help="the university's short code")

    def handle(self, *args, university, **options):
        found = University.objects.filter(code=university).first()
        if found is None:
            raise CommandError(f"no university with code {university!r}")
        try:
            identity = issuer_identity_move(university=found)
        except IdentityError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{found.code}: new credentials are issued as {identity.did}")
