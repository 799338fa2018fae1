"""Move uploads from the publicly served folder of earlier releases into private storage."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from uploads.services import uploads_relocate


class Command(BaseCommand):
    help = (
        "Move uploaded documents and images from LEGACY_MEDIA_ROOT (served publicly by earlier "
        "releases) into MEDIA_ROOT, where only the gated views reach them. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=Path(settings.LEGACY_MEDIA_ROOT))
        parser.add_argument("--dry-run", action="store_true", help="List, move nothing.")

    def handle(self, *args, source: Path, dry_run: bool, **options):
        result = uploads_relocate(
            source=source, destination=Path(settings.MEDIA_ROOT), dry_run=dry_run
        )
        verb = "would move" if dry_run else "moved"
        self.stdout.write(
            f"{verb} {len(result.moved)}, already in place {len(result.already_there)}, "
            f"conflicts {len(result.conflicts)} ({source} -> {settings.MEDIA_ROOT})"
        )
        for name in result.conflicts:
            self.stderr.write(f"conflict, left in both places: {name}")
        if result.conflicts:
            raise CommandError("Some files differ between the two folders; compare them by hand.")
