"""Back up every credential with what it needs to verify offline, years from now."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from certificates.models import Credential, StatusList
from certificates.services import university_did_document
from universities.models import University


class Command(BaseCommand):
    help = "Write credentials/<id>.json, did/<code>.json and status/<code>-<n>.json to DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        root = Path(directory)
        for sub in ("credentials", "did", "status"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        count = 0
        # Stored text is written as is: re-serialising could change what was signed.
        for credential_id, text in Credential.objects.values_list("id", "signed_json").iterator(
            chunk_size=500
        ):
            (root / "credentials" / f"{credential_id}.json").write_text(text, encoding="utf-8")
            count += 1
        for university in University.objects.filter(issuer_keys__isnull=False).distinct():
            document = university_did_document(university)
            (root / "did" / f"{university.code}.json").write_text(
                json.dumps(document, indent=2), encoding="utf-8"
            )
        for status_list in StatusList.objects.select_related("university").exclude(signed_json=""):
            name = f"{status_list.university.code}-{status_list.number}.json"
            (root / "status" / name).write_text(status_list.signed_json, encoding="utf-8")
        self.stdout.write(f"exported {count} credentials to {root}")
