"""Timestamps and durations (xAPI Data 4.5 "ISO 8601 Timestamps" and 4.6 "Durations").

`strict` applies the xAPI 2.0 rules (IEEE 9274.1.1, ADR 0045): a timestamp must say where it
is in time (an offset or Z), and in a duration only the lowest-order component may carry a
decimal fraction (ISO 8601).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# ISO 8601 combined date and time in the extended format (the RFC 3339 profile, with the
# offset optional and RFC 3339's space allowed between date and time). Basic format and
# date-only values are refused: they are not "combined date and time representations" an
# LRS can compare reliably.
_TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})([Tt ])(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"([Zz]|[+\-]\d{2}(?::?\d{2})?)?\Z",
    re.ASCII,
)
_NUM = r"(?:\d+(?:[.,]\d+)?)"
_DURATION_RE = re.compile(
    rf"^P(?!\Z)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?\Z",
    re.ASCII,
)
_DURATION_WEEKS_RE = re.compile(rf"^P{_NUM}W\Z", re.ASCII)
_FRACTION_BEFORE_A_COMPONENT_RE = re.compile(r"[.,]\d+[A-Z].*\d", re.ASCII)


def is_duration(value: Any, *, strict: bool = False) -> bool:
    """An ISO 8601 duration (Data 4.6); `strict`: only the last component has a fraction."""
    if not isinstance(value, str):
        return False
    if not (_DURATION_RE.match(value) or _DURATION_WEEKS_RE.match(value)):
        return False
    return not (strict and _FRACTION_BEFORE_A_COMPONENT_RE.search(value))


def parse_timestamp(value: Any, *, strict: bool = False) -> dt.datetime:
    """Parse an ISO 8601 timestamp; naive values are read as UTC. Raises ValueError.

    Date and time are joined by "T" or, as RFC 3339 allows, a space. Without `strict`
    (xAPI 1.0.3) the offset may be left out; with it (xAPI 2.0) it is required.
    """
    if not isinstance(value, str):
        raise ValueError("not a string")
    match = _TIMESTAMP_RE.match(value)
    if not match:
        raise ValueError("not an ISO 8601 combined date and time")
    year, month, day, _separator, hour, minute, second, fraction, offset = match.groups()
    if strict and not offset:
        raise ValueError("xAPI 2.0 requires a time zone offset or Z")
    # RFC 3339 reserves "-00:00" for "offset unknown"; it names no point in time.
    if offset and offset[0] == "-" and set(offset[1:].replace(":", "")) == {"0"}:
        raise ValueError("the offset -00:00 does not name a point in time")
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz = dt.UTC
    if offset and offset not in {"Z", "z"}:
        digits = offset[1:].replace(":", "")
        delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        if delta >= dt.timedelta(hours=24):
            raise ValueError("offset out of range")
        tz = dt.timezone(delta if offset[0] == "+" else -delta)
    try:
        return dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tz
        ).astimezone(dt.UTC)
    except OverflowError:
        # Year 1 or 9999 with an offset leaves the range of datetime once moved to UTC.
        raise ValueError("out of the range of representable times") from None


def format_timestamp(value: dt.datetime) -> str:
    """UTC, millisecond precision, as the LRS returns `stored` and consistency headers."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
