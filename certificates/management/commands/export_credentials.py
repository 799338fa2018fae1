"""Back up every credential with what it needs to verify offline, years from now."""

from django.core.management.base import BaseCommand, CommandError

from certificates.export import ExportError, credentials_export


class Command(BaseCommand):
    help = (
        "Write credentials/<id>.json, and for every DID and status list they name "
        "did/<did>.json and status/<code>-<n>.json, with an index.json, to DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            result = credentials_export(directory=directory)
        except ExportError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"exported {result.credentials} credentials, {len(result.did_documents)} DID "
            f"documents and {len(result.status_lists)} status lists to {directory}"
        )
        if result.missing:
            # The files are written; what cannot be verified from them is said loudly.
            raise CommandError(
                "not held by this site, so credentials naming them will not verify from this "
                "backup: " + ", ".join(result.missing)
            )
