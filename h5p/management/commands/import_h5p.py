"""Import an `.h5p` file for a university, with the same validation as the admin upload.

    manage.py import_h5p quiz.h5p --university tnu [--allow-libraries]

Prints the new content's id on success; prints the reason and exits non-zero on rejection.
`--allow-libraries` lets the package install new libraries (libraries are code: operators
only, the same rule as platform staff in the admin).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from h5p.archive import ArchiveRejected
from h5p.services import h5p_content_create
from universities.models import University


class Command(BaseCommand):
    help = "Validate and import an H5P package as content of a university."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--university", required=True, help="The university's short code.")
        parser.add_argument(
            "--allow-libraries",
            action="store_true",
            help="Install new libraries or library versions the package brings.",
        )
        parser.add_argument("--title", default="", help="Override the package's title.")

    def handle(self, *args, file: Path, university: str, allow_libraries: bool, title: str, **opts):
        try:
            owner = University.objects.get(code=university)
        except University.DoesNotExist:
            raise CommandError(f"No university with code {university!r}.") from None
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            with file.open("rb") as source:
                content = h5p_content_create(
                    source=source,
                    filename=file.name,
                    university=owner,
                    may_install_libraries=allow_libraries,
                    title=title,
                )
        except ArchiveRejected as exc:
            raise CommandError(f"Rejected: {exc.message}") from exc
        self.stdout.write(str(content.uuid))
