"""Which xAPI the LRS speaks on a request: 1.0.3 or 2.0.0 (IEEE 9274.1.1), chosen by the
X-Experience-API-Version header (Communication 3.3 in 1.0.3, 4.1.1 in 2.0). ADR 0045.

This is the one place a version is negotiated; everything else asks `is_2_0(version)` of the
version a request is served under (`XRequest.version`) and never reads the header itself.
"""

from __future__ import annotations

import re

from .errors import XAPIError

XAPI_1_0_3 = "1.0.3"
XAPI_2_0_0 = "2.0.0"
# What /xapi/about lists: 1.0.0 is the version whose statements 1.0.3 still accepts.
SUPPORTED_VERSIONS = ("1.0.0", XAPI_1_0_3, XAPI_2_0_0)
# A request without a usable header is answered as 1.0.3 did before 2.0 existed here.
DEFAULT_VERSION = XAPI_1_0_3

_HEADER_RE = re.compile(r"^(1|2)\.0(?:\.\d+)?\Z", re.ASCII)
# The statement `version` property each version accepts (Data 2.4.10; 9274.1.1 4.2.4.3).
_STATEMENT_VERSION_1_RE = re.compile(r"^1\.0(?:\.\d+)?\Z", re.ASCII)
_STATEMENT_VERSION_2_RE = re.compile(r"^(?:1|2)\.0(?:\.\d+)?\Z", re.ASCII)


def negotiate(header: str | None) -> str:
    """The version a request is served under, from its X-Experience-API-Version header.

    "1.0" and "1.0.x" are served by 1.0.3, "2.0" and "2.0.x" by 2.0.0; a missing header or any
    other value is a 400 (with the response header saying 1.0.3, the default).
    """
    if header is None:
        raise XAPIError("the X-Experience-API-Version header is required")
    match = _HEADER_RE.match(header.strip())
    if not match:
        raise XAPIError(
            f"xAPI version {header!r} is not supported; this LRS speaks 1.0.x and 2.0.x"
        )
    return XAPI_2_0_0 if match.group(1) == "2" else XAPI_1_0_3


def is_2_0(version: str) -> bool:
    return version == XAPI_2_0_0


def statement_version_accepted(value: object, version: str) -> bool:
    """Whether a Statement's `version` property is one the served version accepts.

    Under 1.0.3 only 1.0.x; under 2.0.0 also 1.0.x, since a 2.0 LRS keeps and returns the
    statements 1.0.x providers sent, and a client may resend one of them.
    """
    if not isinstance(value, str):
        return False
    pattern = _STATEMENT_VERSION_2_RE if is_2_0(version) else _STATEMENT_VERSION_1_RE
    return bool(pattern.match(value))


def statement_version_default(version: str) -> str:
    """What the LRS writes into a Statement that arrives without `version`."""
    return XAPI_2_0_0 if is_2_0(version) else "1.0.0"
