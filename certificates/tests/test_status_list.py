import gzip

import pytest

from certificates.multikey import multibase_base64url_encode
from certificates.status_list import (
    MIN_ENTRIES,
    Bitstring,
    StatusListError,
    allocate_index,
    status_entry,
)


def test_new_list_has_the_minimum_size_and_round_trips():
    bits = Bitstring()
    assert len(bits) == MIN_ENTRIES
    bits.set(0, True)
    bits.set(12345, True)
    bits.set(MIN_ENTRIES - 1, True)
    decoded = Bitstring.decode(bits.encode())
    assert [decoded.get(i) for i in (0, 1, 12345, MIN_ENTRIES - 1)] == [True, False, True, True]
    decoded.set(12345, False)
    assert not decoded.get(12345)


def test_index_zero_is_the_left_most_bit():
    bits = Bitstring()
    bits.set(0, True)
    raw = gzip.decompress(__import__("base64").urlsafe_b64decode(bits.encode()[1:] + "=="))
    assert raw[0] == 0b1000_0000


def test_encoding_is_deterministic_multibase_base64url():
    assert Bitstring().encode() == Bitstring().encode()
    assert Bitstring().encode().startswith("u")


@pytest.mark.parametrize("index", [-1, MIN_ENTRIES, "3", True])
def test_out_of_range_index_is_refused(index):
    with pytest.raises(StatusListError):
        Bitstring().get(index)


@pytest.mark.parametrize(
    "encoded",
    [
        "zNotBase64",
        "u" + "!!!",
        multibase_base64url_encode(b"not gzip"),
        multibase_base64url_encode(gzip.compress(bytes(10), mtime=0)),  # shorter than the minimum
        multibase_base64url_encode(
            gzip.compress(bytes(MIN_ENTRIES // 8), mtime=0)[:-8]
        ),  # truncated
    ],
    ids=["wrong-base", "not-base64", "not-gzip", "too-short", "truncated"],
)
def test_malformed_lists_are_refused(encoded):
    with pytest.raises(StatusListError):
        Bitstring.decode(encoded)


def test_gzip_bomb_is_refused():
    bomb = multibase_base64url_encode(gzip.compress(bytes(64 * 1024 * 1024)))
    with pytest.raises(StatusListError, match="too large"):
        Bitstring.decode(bomb)


def test_allocate_index_avoids_taken_indexes_and_gives_up_when_full():
    taken = set(range(0, MIN_ENTRIES, 2))
    for _ in range(50):
        assert allocate_index(taken.__contains__) % 2 == 1
    with pytest.raises(StatusListError):
        allocate_index(lambda index: True)


def test_status_entry_id_differs_from_list_url():
    entry = status_entry("https://example.org/status/1", 7)
    assert entry["id"] != entry["statusListCredential"]
    assert entry["statusListIndex"] == "7"
