"""RDFC-1.0 canonicalization of JSON-LD documents, with the checks that keep it portable.

PyLD does the work, with the settings a trial showed to matter:

* `URDNA2015` (the algorithm RDFC-1.0 standardised), not PyLD's default `URGNA2012`;
* `base=None`, so a relative IRI is never resolved against some made-up base and signed;
* a "safe mode": a term no context defines is silently dropped by JSON-LD expansion and so
  would not be signed. We refuse such documents instead, and also refuse relative IRIs.

Other implementations must produce the very same N-Quads, so we also refuse input whose
serialisation differs between implementations:

* control characters other than tab, newline and carriage return (PyLD escapes them
  differently from RDFC-1.0; we reject them rather than patch PyLD);
* characters that RDFC-1.0 escapes inside IRIs (spaces, `<>"{}|^` and backtick, backslash);
* floats that JavaScript would print differently (`5.0` becomes `5`, tiny or huge numbers
  change notation); integers must fit in 2**53.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable
from typing import Any

from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from .contexts import load_bundled_context

DocumentLoader = Callable[[str, dict], dict]

# C0 controls and DEL, except the three that PyLD and RDFC-1.0 escape identically.
_FORBIDDEN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORBIDDEN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_MAX_SAFE_INTEGER = 2**53 - 1
_MAX_DEPTH = 32
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class CanonicalizationError(ValueError):
    """The document cannot be canonicalized safely; the message says why."""


# One resolver per loader: PyLD's module-wide cache would otherwise let a context served by
# one loader (say, a test's) answer a later lookup meant for another.
_resolvers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _resolver_for(loader: DocumentLoader) -> ContextResolver:
    resolver = _resolvers.get(loader)
    if resolver is None:
        resolver = ContextResolver(LRUCache(maxsize=100), loader)
        _resolvers[loader] = resolver
    return resolver


def _options(loader: DocumentLoader) -> dict[str, Any]:
    return {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "base": None,
        "documentLoader": loader,
        "contextResolver": _resolver_for(loader),
        "processingMode": "json-ld-1.1",
    }


def check_portable_values(document: Any, path: str = "$", depth: int = 0) -> None:
    """Refuse strings and numbers that implementations would serialise differently."""
    if depth > _MAX_DEPTH:
        raise CanonicalizationError(f"{path}: nested too deeply")
    if isinstance(document, dict):
        for key, value in document.items():
            if not isinstance(key, str):
                raise CanonicalizationError(f"{path}: keys must be strings")
            check_portable_values(key, f"{path}.<key>", depth + 1)
            check_portable_values(value, f"{path}.{key}", depth + 1)
    elif isinstance(document, list):
        for index, value in enumerate(document):
            check_portable_values(value, f"{path}[{index}]", depth + 1)
    elif isinstance(document, str):
        if _FORBIDDEN_TEXT.search(document):
            raise CanonicalizationError(f"{path}: contains a control character")
        try:
            document.encode("utf-8")
        except UnicodeEncodeError:
            raise CanonicalizationError(f"{path}: is not valid Unicode text") from None
    elif isinstance(document, bool) or document is None:
        return
    elif isinstance(document, int):
        if abs(document) > _MAX_SAFE_INTEGER:
            raise CanonicalizationError(f"{path}: integer too large to be portable")
    elif isinstance(document, float):
        if not math.isfinite(document) or document.is_integer():
            # JavaScript prints 5.0 as 5 and so canonicalizes it differently.
            raise CanonicalizationError(f"{path}: write whole numbers without a fraction")
        if not (1e-6 <= abs(document) < 1e15) or len(repr(document)) > 17:
            raise CanonicalizationError(f"{path}: use a plain decimal with few digits")
    else:
        raise CanonicalizationError(f"{path}: unsupported value {type(document).__name__}")


def _check_expanded(node: Any, path: str = "$") -> None:
    """Every IRI in the expanded document must be absolute and portable."""
    if isinstance(node, list):
        for item in node:
            _check_expanded(item, path)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "@id" or key == "@type":
            for iri in value if isinstance(value, list) else [value]:
                if not isinstance(iri, str):
                    continue
                if iri.startswith("_:"):
                    continue
                if not _ABSOLUTE_IRI.match(iri):
                    raise CanonicalizationError(
                        f"{path}: {iri!r} is not an absolute IRI (is a term undefined?)"
                    )
                if _FORBIDDEN_IRI.search(iri):
                    raise CanonicalizationError(f"{path}: IRI {iri!r} contains a space or symbol")
        elif key == "@value":
            continue
        else:
            if not key.startswith("@") and not _ABSOLUTE_IRI.match(key):
                raise CanonicalizationError(f"{path}: property {key!r} is not an absolute IRI")
            _check_expanded(value, f"{path}/{key}")


def expand_safely(document: dict, loader: DocumentLoader = load_bundled_context) -> list:
    """Expand `document`, refusing it if expansion would drop or mangle anything."""
    if not isinstance(document, dict):
        raise CanonicalizationError("a JSON-LD document must be a JSON object")
    check_portable_values(document)
    dropped: list[str | None] = []
    try:
        expanded = jsonld.expand(document, _options(loader), on_property_dropped=dropped.append)
    except jsonld.JsonLdError as error:
        raise CanonicalizationError(f"JSON-LD processing failed: {_root_cause(error)}") from error
    if dropped:
        names = ", ".join(sorted({str(name) for name in dropped}))
        raise CanonicalizationError(f"terms not defined by any context: {names}")
    _check_expanded(expanded)
    return expanded


def canonicalize(document: dict, loader: DocumentLoader = load_bundled_context) -> str:
    """Return the RDFC-1.0 canonical N-Quads of `document` (after the safety checks)."""
    expand_safely(document, loader)
    try:
        return jsonld.normalize(document, _options(loader))
    except jsonld.JsonLdError as error:
        raise CanonicalizationError(f"JSON-LD processing failed: {_root_cause(error)}") from error


def is_xsd_date_time(value: Any) -> bool:
    """Dates we write and accept in proofs: `YYYY-MM-DDTHH:MM:SSZ`, nothing fancier."""
    return isinstance(value, str) and bool(_DATE_TIME.match(value))


def _root_cause(error: BaseException) -> str:
    while error.__cause__ is not None:
        error = error.__cause__
    return str(error).splitlines()[0] if str(error) else type(error).__name__
