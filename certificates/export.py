"""An offline backup of credentials with everything needed to verify them, years from now.

What verifies a credential is named inside its signed text: the issuer's DID (and the DID in
each proof's verification method), and the status list URL. The backup writes, for every DID
and every status list the exported credentials (and the endorsements they embed) name, the
stored DID document and the stored signed list; nothing is recomputed from today's
`SITE_URL` (ADR 0046).

Layout of the target folder:

* `credentials/<id>.json`: the signed text, byte for byte;
* `did/<did with unsafe characters as _>.json`: one DID document per DID;
* `status/<university code>-<number>.json`: the signed status list credentials;
* `index.json`: which file holds which DID and which status list URL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .identities import identity_did_document, identity_for_did
from .models import Credential, StatusList

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class ExportError(Exception):
    """The backup cannot be written; the message says where and why."""


@dataclass
class ExportResult:
    credentials: int = 0
    did_documents: dict[str, str] = field(default_factory=dict)
    status_lists: dict[str, str] = field(default_factory=dict)
    # DIDs and status list URLs named by a credential that this site does not hold.
    missing: list[str] = field(default_factory=list)


def did_file_name(did: str) -> str:
    return _UNSAFE.sub("_", did) + ".json"


def _proof_dids(document: dict) -> set[str]:
    proofs = document.get("proof") or []
    proofs = proofs if isinstance(proofs, list) else [proofs]
    methods = (p.get("verificationMethod") for p in proofs if isinstance(p, dict))
    return {m.split("#", 1)[0] for m in methods if isinstance(m, str)}


def _issuer(document: dict) -> str | None:
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer if isinstance(issuer, str) else None


def _status_urls(document: dict) -> set[str]:
    entries = document.get("credentialStatus") or []
    entries = entries if isinstance(entries, list) else [entries]
    urls = (e.get("statusListCredential") for e in entries if isinstance(e, dict))
    return {url for url in urls if isinstance(url, str)}


def references(document: dict) -> tuple[set[str], set[str]]:
    """The DIDs and the status list URLs a signed credential (and its endorsements) name."""
    dids, urls = set(), set()
    for node in [document, *(e for e in document.get("endorsement") or [] if isinstance(e, dict))]:
        dids |= _proof_dids(node)
        if _issuer(node):
            dids.add(_issuer(node))
        urls |= _status_urls(node)
    return dids, urls


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ExportError(
            _("Cannot write %(path)s: %(reason)s") % {"path": path, "reason": error.strerror}
        ) from None


def _prepare(root: Path) -> None:
    try:
        for sub in ("credentials", "did", "status"):
            (root / sub).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(
            _("Cannot write the backup to %(path)s: %(reason)s")
            % {"path": root, "reason": error.strerror or error.__class__.__name__}
        ) from None


def credentials_export(*, directory: Path | str) -> ExportResult:
    """Write every credential, and the DID documents and status lists that verify them."""
    root = Path(directory)
    _prepare(root)
    result = ExportResult()
    dids: set[str] = set()
    urls: set[str] = set()
    # Stored text is written as is: re-serialising could change what was signed.
    rows = Credential.objects.values_list("id", "signed_json").iterator(chunk_size=500)
    for credential_id, text in rows:
        _write(root / "credentials" / f"{credential_id}.json", text)
        found_dids, found_urls = references(json.loads(text))
        dids |= found_dids
        urls |= found_urls
        result.credentials += 1
    lists = StatusList.objects.filter(url__in=urls).select_related("university", "identity")
    for status_list in lists:
        if not status_list.signed_json:
            continue
        name = f"{status_list.university.code}-{status_list.number}.json"
        _write(root / "status" / name, status_list.signed_json)
        result.status_lists[status_list.url] = f"status/{name}"
        # The list's signer must resolve too (its issuer is the credentials' issuer).
        dids |= _proof_dids(json.loads(status_list.signed_json)) | {status_list.identity.did}
    result.missing += sorted(urls - set(result.status_lists))
    for did in sorted(dids):
        identity = identity_for_did(did)
        if identity is None:
            result.missing.append(did)
            continue
        name = did_file_name(did)
        _write(root / "did" / name, json.dumps(identity_did_document(identity), indent=2))
        result.did_documents[did] = f"did/{name}"
    index = {"did_documents": result.did_documents, "status_lists": result.status_lists}
    _write(root / "index.json", json.dumps(index, indent=2, sort_keys=True))
    return result


def export_resolver_documents(directory: Path | str) -> tuple[dict, dict]:
    """(DID documents by their own id, status lists by their own id) read from an export.

    Keyed by what each document says it is, not by the index: a verifier trusts no file name.
    """
    root = Path(directory)
    if not (root / "did").is_dir():
        raise ExportError(
            _("%(path)s is not a folder written by export_credentials.") % {"path": root}
        )
    read = lambda path: json.loads(path.read_text(encoding="utf-8"))  # noqa: E731
    did_documents = [read(path) for path in sorted((root / "did").glob("*.json"))]
    status_lists = [read(path) for path in sorted((root / "status").glob("*.json"))]
    return (
        {doc.get("id"): doc for doc in did_documents},
        {doc.get("id"): doc for doc in status_lists},
    )
