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

import json
import math
import re
import threading
import weakref
from collections.abc import Callable, Mapping
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


# One set of caches per loader: PyLD's module-wide cache would otherwise let a context served
# by one loader (say, a test's) answer a later lookup meant for another.
_PROCESSED_CONTEXTS_MAX = 1024
_CANONICAL_MAX = 512


class _LoaderCaches:
    """What one loader's documents cost to process, paid once (ADR 0062).

    * `resolver`: PyLD's context resolver; it fetches each context URL once.
    * `processed`: active contexts after a local context was applied to them. PyLD caches
      these itself, but misses every type-scoped context (`propagate: false` makes it clone
      the active context under a fresh id first), which was most of the signing time.
    * `canonical`: the canonical N-Quads of a document, keyed by its exact JSON text.
      Canonicalization is a pure function of the document and the bundled (hash-checked)
      contexts, so a document seen before (a proof configuration, a credential verified
      again) need not be processed again.
    """

    def __init__(self, loader: DocumentLoader):
        self.resolver = ContextResolver(LRUCache(maxsize=100), loader)
        self.processed: LRUCache = LRUCache(maxsize=_PROCESSED_CONTEXTS_MAX)
        self.canonical: LRUCache = LRUCache(maxsize=_CANONICAL_MAX)
        self.lock = threading.Lock()


_caches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def _caches_for(loader: DocumentLoader) -> _LoaderCaches:
    with _caches_lock:
        caches = _caches.get(loader)
        if caches is None:
            caches = _caches[loader] = _LoaderCaches(loader)
        return caches


def _context_key(local_ctx: Any) -> tuple[Any, bool]:
    """A key for a local context, and whether a hit must also be the very same object.

    URLs and lists of URLs are keyed by value. Inline contexts (the scoped contexts inside
    a bundled context's term definitions) are keyed by identity: they are the same objects
    every time, and the cache entry keeps its object alive, so its id is never reused while
    the entry exists.
    """
    if isinstance(local_ctx, str):
        return local_ctx, False
    if isinstance(local_ctx, list) and all(isinstance(item, str) for item in local_ctx):
        return tuple(local_ctx), False
    return id(local_ctx), True


class _Processor(jsonld.JsonLdProcessor):
    """PyLD's processor with processed contexts cached per loader, whatever they are scoped to."""

    def __init__(self, caches: _LoaderCaches, on_property_dropped: Callable = lambda _: None):
        super().__init__(on_property_dropped=on_property_dropped)
        self._caches = caches

    def _process_context(
        self,
        active_ctx,
        local_ctx,
        options,
        override_protected=False,
        propagate=True,
        validate_scoped=True,
        cycles=None,
    ):
        active_id = active_ctx.get("_uuid") if isinstance(active_ctx, Mapping) else None
        if active_id is None:
            return super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
        context_key, by_identity = _context_key(local_ctx)
        key = (active_id, context_key, override_protected, propagate, validate_scoped)
        with self._caches.lock:
            hit = self._caches.processed.get(key)
        if hit is not None and (not by_identity or hit[0] is local_ctx):
            return hit[1]
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        with self._caches.lock:
            self._caches.processed[key] = (local_ctx, result)
        return result


class _PreExpanded(_Processor):
    """Turns a document `_expand_safely` has expanded and checked into RDF, without expanding
    it a second time (PyLD's `to_rdf` starts by expanding its input; for an expanded document
    that changes nothing and cost as much as the first expansion)."""

    def expand(self, input_, options):
        return input_


def _options(caches: _LoaderCaches, loader: DocumentLoader) -> dict[str, Any]:
    return {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "base": None,
        "documentLoader": loader,
        "contextResolver": caches.resolver,
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
    return _expand_safely(document, loader, _caches_for(loader))


def _expand_safely(document: dict, loader: DocumentLoader, caches: _LoaderCaches) -> list:
    if not isinstance(document, dict):
        raise CanonicalizationError("a JSON-LD document must be a JSON object")
    check_portable_values(document)
    dropped: list[str | None] = []
    try:
        expanded = _Processor(caches, on_property_dropped=dropped.append).expand(
            document, _options(caches, loader)
        )
    except jsonld.JsonLdError as error:
        raise CanonicalizationError(f"JSON-LD processing failed: {_root_cause(error)}") from error
    if dropped:
        names = ", ".join(sorted({str(name) for name in dropped}))
        raise CanonicalizationError(f"terms not defined by any context: {names}")
    _check_expanded(expanded)
    return expanded


def canonicalize(document: dict, loader: DocumentLoader = load_bundled_context) -> str:
    """Return the RDFC-1.0 canonical N-Quads of `document` (after the safety checks).

    The document is expanded once: the checked expanded form is what becomes RDF (expanding
    it again, as PyLD's `normalize` does, finds no context and changes nothing).
    """
    caches = _caches_for(loader)
    if not isinstance(document, dict):
        raise CanonicalizationError("a JSON-LD document must be a JSON object")
    try:
        key = json.dumps(document, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        key = None  # not JSON at all: let the checks say why
    if key is not None:
        with caches.lock:
            cached = caches.canonical.get(key)
        if cached is not None:
            return cached
    expanded = _expand_safely(document, loader, caches)
    try:
        canonical = _PreExpanded(caches).normalize(expanded, _options(caches, loader))
    except jsonld.JsonLdError as error:
        raise CanonicalizationError(f"JSON-LD processing failed: {_root_cause(error)}") from error
    if key is not None:
        with caches.lock:
            caches.canonical[key] = canonical
    return canonical


def is_xsd_date_time(value: Any) -> bool:
    """Dates we write and accept in proofs: `YYYY-MM-DDTHH:MM:SSZ`, nothing fancier."""
    return isinstance(value, str) and bool(_DATE_TIME.match(value))


def _root_cause(error: BaseException) -> str:
    while error.__cause__ is not None:
        error = error.__cause__
    return str(error).splitlines()[0] if str(error) else type(error).__name__
