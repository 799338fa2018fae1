"""W3C Bitstring Status List: one revocation bitstring per issuer.

The bitstring is GZIP-compressed and written as multibase base64url (`u...`). Index 0 is
the left-most (most significant) bit of the first byte. The spec's minimum size, 16 KiB
(131,072 entries), is what gives herd privacy: a verifier fetching the list learns nothing
about which credential it is checking. Indexes are handed out at random for the same reason.
"""

from __future__ import annotations

import gzip
import secrets
import zlib
from collections.abc import Callable

from .multikey import MultibaseError, multibase_base64url_decode, multibase_base64url_encode

MIN_ENTRIES = 131_072
# A list a verifier downloads may be hostile: cap what we inflate (a "zip bomb" guard).
MAX_DECODED_BYTES = 16 * 1024 * 1024
STATUS_PURPOSE = "revocation"


class StatusListError(ValueError):
    """An encoded list is malformed, or an index is out of range."""


class Bitstring:
    """A mutable bitstring with the Bitstring Status List bit order."""

    def __init__(self, data: bytes | bytearray | None = None, *, size: int = MIN_ENTRIES):
        if data is None:
            if size % 8 or size < MIN_ENTRIES:
                raise StatusListError(f"a status list holds a multiple of 8, >= {MIN_ENTRIES}")
            data = bytes(size // 8)
        self._bytes = bytearray(data)

    def __len__(self) -> int:
        return len(self._bytes) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(self):
            raise StatusListError(f"status index {index!r} is outside the list")
        return index // 8, 7 - index % 8

    def get(self, index: int) -> bool:
        byte, bit = self._locate(index)
        return bool(self._bytes[byte] >> bit & 1)

    def set(self, index: int, value: bool) -> None:
        byte, bit = self._locate(index)
        if value:
            self._bytes[byte] |= 1 << bit
        else:
            self._bytes[byte] &= ~(1 << bit) & 0xFF

    def encode(self) -> str:
        # mtime=0 keeps the encoding a pure function of the bits.
        return multibase_base64url_encode(gzip.compress(bytes(self._bytes), mtime=0))

    @classmethod
    def decode(cls, encoded_list: str) -> Bitstring:
        try:
            compressed = multibase_base64url_decode(encoded_list)
        except MultibaseError as error:
            raise StatusListError(f"encodedList: {error}") from None
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(compressed, MAX_DECODED_BYTES + 1)
        except zlib.error:
            raise StatusListError("encodedList is not GZIP data") from None
        if len(data) > MAX_DECODED_BYTES or inflater.unconsumed_tail:
            raise StatusListError("encodedList is too large")
        if not inflater.eof:
            raise StatusListError("encodedList is truncated")
        if len(data) * 8 < MIN_ENTRIES:
            raise StatusListError("encodedList is shorter than the 131,072-entry minimum")
        return cls(data)


def allocate_index(
    is_taken: Callable[[int], bool], *, size: int = MIN_ENTRIES, attempts: int = 64
) -> int:
    """Pick a random free index; `is_taken` answers for one index (a set's `__contains__`)."""
    for _ in range(attempts):
        index = secrets.randbelow(size)
        if not is_taken(index):
            return index
    raise StatusListError("the status list is (nearly) full; start a new list")


def status_entry(status_list_url: str, index: int) -> dict:
    """The `credentialStatus` of a credential at `index` of the list at `status_list_url`.

    Its `id` differs from `statusListCredential` (the Open Badges schema insists).
    """
    return {
        "id": f"{status_list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": status_list_url,
    }


def status_list_credential(*, url: str, issuer: str, valid_from: str, bitstring: Bitstring) -> dict:
    """The unsigned BitstringStatusListCredential for `bitstring`."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": bitstring.encode(),
        },
    }
