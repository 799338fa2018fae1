"""Scalar formats of xAPI Data 4.0 ("Value formats"): UUIDs, IRIs, language tags, hashes.

Checks are best-effort where the specification allows it (IRIs, language tags): we check the
syntax that can be checked cheaply and reject anything without a scheme, with whitespace or
with characters RFC 3987 never allows.
"""

from __future__ import annotations

import functools
import re
from typing import Any

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Characters RFC 3987 never allows unescaped in an IRI, plus whitespace and controls.
_IRI_FORBIDDEN_RE = re.compile(r"[\x00-\x20\x7f<>\"{}|\\^`]")
MAILTO_RE = re.compile(r"^mailto:[^@\s:/]+@[^@\s/]+\.?[^@\s/]*\Z")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}\Z")
# SHA-224/256/384/512 in hex.
SHA2_RE = re.compile(r"^(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})\Z")
MEDIA_TYPE_RE = re.compile(r"^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(\s*;.*)?\Z")

# RFC 5646 "Language-Tag" ABNF, case-insensitive.
_ALNUM = "[a-z0-9]"
_LANGTAG = (
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language (+ extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|\d{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|\d{_ALNUM}{{3}}))*"  # variants
    rf"(?:-[0-9a-wy-z](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    rf"(?:-x(?:-{_ALNUM}{{1,8}})+)?"  # private use
)
_LANGUAGE_TAG_RE = re.compile(rf"^(?:{_LANGTAG}|x(?:-{_ALNUM}{{1,8}})+)\Z", re.IGNORECASE)
_GRANDFATHERED = {
    tag.lower()
    for tag in [
        "en-GB-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "sgn-BE-FR",
        "sgn-BE-NL",
        "sgn-CH-DE",
        "art-lojban",
        "cel-gaulish",
        "no-bok",
        "no-nyn",
        "zh-guoyu",
        "zh-hakka",
        "zh-min",
        "zh-min-nan",
        "zh-xiang",
    ]
}


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID_RE.match(value))


def is_iri(value: Any) -> bool:
    """Best-effort IRI check: a scheme, no forbidden characters, a host for http(s)."""
    if not isinstance(value, str):
        return False
    return _iri_remembered(value) if len(value) <= _REMEMBERED_IRI_LENGTH else _iri_text(value)


def _iri_text(value: str) -> bool:
    if not _SCHEME_RE.match(value):
        return False
    if _IRI_FORBIDDEN_RE.search(value):
        return False
    scheme, _, rest = value.partition(":")
    if scheme.lower() in {"http", "https"}:
        if not rest.startswith("//"):
            return False
        host = rest[2:].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        host = host.rsplit("@", 1)[-1]
        if not host or host.startswith(":"):
            return False
    return bool(rest)


# Verbs, activity ids and extension keys repeat across statements and batches: the check is a
# pure function of the text, remembered for the most recent few thousand short ones (a bound
# on memory whatever a client sends).
_REMEMBERED_IRI_LENGTH = 512
_iri_remembered = functools.lru_cache(maxsize=4096)(_iri_text)


def is_language_tag(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    return bool(_LANGUAGE_TAG_RE.match(value)) or value.lower() in _GRANDFATHERED
