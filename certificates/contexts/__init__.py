"""Bundled JSON-LD contexts and the only document loader the signing code uses.

Credentials must verify years from now, offline, so we never fetch a context at run time:
the documents live next to this file (copied from the pinned npm packages by
`interop/export-contexts.mjs`) and `manifest.json` records their SHA-256. A file that no
longer matches its hash is refused, because a silently edited context changes what a
signature means.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ..pinned_files import load_pinned_documents

CONTEXTS_DIR = Path(__file__).resolve().parent

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"
# 1EdTech's CLR 2.0 context, bundled as published (it is in no npm package; ADR 0051).
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"


class ContextError(Exception):
    """A context is not bundled, or its bundled copy does not match the manifest."""


@cache
def bundled_contexts() -> dict[str, dict[str, Any]]:
    """Return {context URL: parsed document}, after checking every file's hash."""
    return load_pinned_documents(CONTEXTS_DIR, kind="context", error=ContextError)


def load_bundled_context(url: str, options: dict | None = None) -> dict[str, Any]:
    """PyLD document loader: serve a bundled context, refuse anything else.

    Refusing (rather than fetching) keeps signing deterministic and offline, and stops a
    credential from pointing the server at an arbitrary URL.
    """
    try:
        document = bundled_contexts()[url]
    except KeyError:
        raise ContextError(f"context {url!r} is not bundled with Ilm") from None
    return {"contextUrl": None, "documentUrl": url, "document": document}
