"""Verify a credential file offline: no database lookups, no network."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates.verification import (
    CredentialParseError,
    StaticResolver,
    parse_credential,
    verify_credential,
)


def _load(path: str) -> dict:
    try:
        return parse_credential(Path(path).read_bytes(), max_bytes=32 * 1024 * 1024)
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    except CredentialParseError as error:
        raise CommandError(f"{path}: {error}") from None


class Command(BaseCommand):
    help = "Verify a credential offline against given DID documents and status lists."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--did-document", action="append", default=[], dest="did_documents")
        parser.add_argument("--status-list", action="append", default=[], dest="status_lists")
        parser.add_argument("--json", action="store_true", help="print the verdict as JSON")

    def handle(self, *args, file, did_documents, status_lists, **options):
        resolver = StaticResolver(
            did_documents={doc.get("id"): doc for doc in map(_load, did_documents)},
            status_lists={doc.get("id"): doc for doc in map(_load, status_lists)},
        )
        try:
            document = parse_credential(Path(file).read_bytes())
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        except CredentialParseError as error:
            self.stdout.write(f"malformed: {error}")
            raise SystemExit(1) from None
        result = verify_credential(document, resolver)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(f"{result.verdict}: {result.label}")
            for reason in result.reasons:
                self.stdout.write(f"  - {reason}")
        if not result.ok:
            raise SystemExit(1)
