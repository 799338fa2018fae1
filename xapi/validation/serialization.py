"""Reading JSON from requests (xAPI About 3.0, "Serialization and JavaScript Object Notation").

Python's `json` module accepts more than JSON and less than the store can keep: it reads
`NaN` and `Infinity`, turns `1e400` into infinity, and raises RecursionError on deep nesting.
PostgreSQL's jsonb refuses non-finite numbers, U+0000 and unpaired surrogates. `parse_json` reads
strict JSON the store can hold, and refuses anything else with a 400 and a reason.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ..errors import XAPIError

# Deeper than any Statement's own structure by far; a bound keeps validation, comparison and
# the database's JSON encoding clear of Python's recursion limit.
MAX_DEPTH = 64
# U+0000, and UTF-16 surrogates left unpaired by a "\ud800" escape: neither is text the
# database or a UTF-8 response can carry.
_UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")
# In the JSON text, the only ways to such a character: the character itself (a str given to
# `parse_json`), or an escape of U+0000 or of a surrogate (paired ones match too). Text with
# neither holds no unstorable string, which spares walking every string of a large batch.
_UNSTORABLE_SOURCE_RE = re.compile(r"[\x00\ud800-\udfff]|\\u(?:0000|[dD][89a-fA-F])")
_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET_RE = re.compile(r"[\[\]{}]")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is out of the range of numbers the LRS stores")
    return number


def _check_values(value: Any, what: str) -> None:
    """Walk the parsed value without recursion: bounded depth, only storable text."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if _UNSTORABLE_RE.search(node):
                raise XAPIError(f"{what} contains U+0000 or an unpaired surrogate escape")
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise XAPIError(f"{what} is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            stack.extend((key, depth) for key in node)
            stack.extend((item, depth + 1) for item in node.values())
        else:
            stack.extend((item, depth + 1) for item in node)


def _too_deep(text: str) -> bool:
    """Whether valid JSON `text` nests containers more than MAX_DEPTH levels (as
    `_check_values` counts them), read from its brackets outside strings."""
    depth = 0
    for bracket in _BRACKET_RE.findall(_STRING_RE.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        else:
            depth -= 1
    return False


def parse_json(raw: bytes | str, what: str = "the body") -> Any:
    """Parse strict JSON text (bytes as UTF-8); raise `XAPIError` (400) naming `what`."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except UnicodeDecodeError:
        raise XAPIError(f"{what} is not UTF-8") from None
    except RecursionError:
        raise XAPIError(f"{what} is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:
        raise XAPIError(f"{what} is not valid JSON ({exc})") from None
    if _UNSTORABLE_SOURCE_RE.search(text):
        _check_values(value, what)
    elif _too_deep(text):
        raise XAPIError(f"{what} is nested more than {MAX_DEPTH} levels deep")
    return value
