"""Verify a credential file offline: no database lookups, no network.

Besides the verdict (signature, issuer key, dates, revocation) it reports whether an Open
Badges credential meets 1EdTech's AchievementCredential JSON Schema, which wallets also check.
The exit status follows the verdict alone: 0 for valid, 1 otherwise.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates.export import ExportError, export_resolver_documents
from certificates.recipient import credential_matches_email
from certificates.schemas import achievement_credential_problems
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
        parser.add_argument(
            "--export",
            help="a folder written by export_credentials: use all its DID documents and lists",
        )
        parser.add_argument(
            "--email",
            help="check the credential's hashed email identity against this address",
        )
        parser.add_argument("--json", action="store_true", help="print the verdict as JSON")

    def handle(self, *args, file, did_documents, status_lists, **options):
        resolver = StaticResolver(
            did_documents={doc.get("id"): doc for doc in map(_load, did_documents)},
            status_lists={doc.get("id"): doc for doc in map(_load, status_lists)},
        )
        if options.get("export"):
            try:
                exported_dids, exported_lists = export_resolver_documents(options["export"])
            except ExportError as error:
                raise CommandError(str(error)) from None
            except (OSError, ValueError) as error:
                raise CommandError(f"cannot read the export {options['export']}: {error}") from None
            resolver.did_documents.update(exported_dids)
            resolver.status_lists.update(exported_lists)
        try:
            document = parse_credential(Path(file).read_bytes())
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        except CredentialParseError as error:
            self.stdout.write(f"malformed: {error}")
            raise SystemExit(1) from None
        result = verify_credential(document, resolver)
        schema_problems = _schema_problems(document)
        email = options.get("email")
        # Only a credential whose signature holds says anything about whom it was issued to.
        email_matches = (result.ok and credential_matches_email(document, email)) if email else None
        if options["json"]:
            report = result.as_dict() | {"schema_problems": schema_problems}
            if email:
                report["email_matches"] = email_matches
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write(f"{result.verdict}: {result.label}")
            for reason in result.reasons:
                self.stdout.write(f"  - {reason}")
            if schema_problems == []:
                self.stdout.write("schema: meets the Open Badges 3.0 AchievementCredential schema")
            elif schema_problems:
                self.stdout.write(
                    f"schema: {len(schema_problems)} departure(s) from the Open Badges 3.0 "
                    "AchievementCredential schema"
                )
                for problem in schema_problems:
                    self.stdout.write(f"  - {problem}")
            if email:
                verdict = "matches" if email_matches else "does not match"
                self.stdout.write(f"email: {email} {verdict} the credential's recipient")
        if not result.ok:
            raise SystemExit(1)


def _schema_problems(document: dict) -> list[str] | None:
    """The schema's verdict on an Open Badges credential; None for any other kind."""
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if not {"OpenBadgeCredential", "AchievementCredential"} & set(map(str, types)):
        return None
    return achievement_credential_problems(document)
