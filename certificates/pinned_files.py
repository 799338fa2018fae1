"""Bundled JSON documents pinned by SHA-256 in their folder's `manifest.json`.

The JSON-LD contexts and the Open Badges schema both decide what a credential means, so both
are bundled rather than fetched, and a file that no longer matches its recorded hash is
refused: a silent edit would change what a signature or a schema check says.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def load_pinned_documents(folder: Path, *, kind: str, error: type[Exception]) -> dict[str, Any]:
    """{URL: parsed document} for every file the manifest lists, each checked against its hash.

    `kind` names the documents in the message of `error`, raised on the first mismatch.
    """
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    documents: dict[str, Any] = {}
    for url, entry in manifest.items():
        raw = (folder / entry["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise error(f"bundled {kind} {url} does not match its recorded hash")
        documents[url] = json.loads(raw)
    return documents
