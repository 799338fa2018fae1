"""Statement comparison (xAPI Data 2.3.1, "Statement Comparison Requirements").

The LRS compares a Statement it receives with the one it stored under the same id (the same
one again is accepted, a different one is a 409), and a signature's payload with the
Statement it signs.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from .actors import lower_mailto_domain
from .context import validate_context
from .formats import is_uuid
from .timestamps import parse_timestamp

_SECONDS_RE = re.compile(r"(\d+(?:[.,]\d+)?)S\Z", re.ASCII)


def _comparable_duration(value: str) -> str:
    """A duration's seconds cut to hundredths: precision beyond 0.01 s is not compared
    (Data 4.6 in 1.0.3, kept in 9274.1.1)."""
    match = _SECONDS_RE.search(value)
    if not match:
        return value
    try:
        seconds = Decimal(match.group(1).replace(",", ".")).quantize(
            Decimal("0.01"), rounding=ROUND_DOWN
        )
    except InvalidOperation:  # more digits than a Decimal context holds: compare as sent
        return value
    return f"{value[: match.start()]}{seconds}S"


def _comparable(statement: dict) -> Any:
    """Strip what the immutability exceptions allow to differ, and order unordered lists."""

    def walk(node: Any, key: str | None = None) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "mbox" and isinstance(v, str):
                    out[k] = lower_mailto_domain(v)
                elif k == "display" and key == "verb":
                    continue  # a Verb's display is not part of the Statement
                elif k == "definition":
                    continue  # nor are Activity Definitions
                else:
                    out[k] = walk(v, k)
            if key in {"actor", "object", "instructor", "team", "authority", "agent", "group"} and (
                "member" in out
            ):
                out["member"] = sorted(out["member"], key=repr)
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        if isinstance(node, str) and key in {"id", "registration"} and is_uuid(node):
            return node.lower()
        if isinstance(node, str) and key == "duration":
            return _comparable_duration(node)
        return node

    stripped = {
        k: v for k, v in statement.items() if k not in {"id", "authority", "stored", "version"}
    }
    if "timestamp" in stripped:
        stripped["timestamp"] = parse_timestamp(stripped["timestamp"]).isoformat()
    if "context" in stripped:
        # Normalization only (contextActivities as arrays): the statements were validated
        # under their own version already, so the 2.0 superset of properties is allowed.
        stripped["context"] = validate_context(
            stripped["context"],
            stripped["object"].get("objectType", "Activity") == "Activity",
            xapi_2_0=True,
        )
    return walk(stripped)


def statements_match(stored: dict, received: dict) -> bool:
    """True if `received` is the same Statement as `stored`, as the spec compares them."""
    received = dict(received)
    if "timestamp" not in received:
        # The LRS assigned the stored timestamp: that difference is an allowed exception.
        received["timestamp"] = stored.get("timestamp")
        if received["timestamp"] is None:
            received.pop("timestamp")
    return _comparable(stored) == _comparable(received)
