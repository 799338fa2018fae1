"""Package and library files answer ranges, validators and conditional GETs."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from h5p.access import play_token_issue
from h5p.serving import Unsatisfiable, parse_range
from h5p.tests.packages import TINY_QUIZ_FOLDER


@given(size=st.integers(min_value=1, max_value=10**9), data=st.data())
def test_a_satisfiable_range_stays_inside_the_file(size, data):
    first = data.draw(st.integers(min_value=0, max_value=size - 1))
    last = data.draw(st.integers(min_value=first, max_value=2 * size))

    assert parse_range(f"bytes={first}-{last}", size) == (first, min(last, size - 1))
    assert parse_range(f"bytes={first}-", size) == (first, size - 1)


@given(size=st.integers(min_value=1, max_value=10**6), suffix=st.integers(min_value=1))
def test_a_suffix_range_is_the_files_tail(size, suffix):
    assert parse_range(f"bytes=-{suffix}", size) == (max(0, size - suffix), size - 1)


@given(size=st.integers(min_value=0, max_value=10**6), past=st.integers(min_value=0))
def test_a_range_starting_past_the_end_is_unsatisfiable(size, past):
    with pytest.raises(Unsatisfiable):
        parse_range(f"bytes={size + past}-", size)


@given(header=st.text(max_size=30), size=st.integers(min_value=0, max_value=10**6))
def test_any_header_reads_as_a_range_the_whole_file_or_unsatisfiable(header, size):
    try:
        wanted = parse_range(header, size)
    except Unsatisfiable:
        return
    if wanted is not None:
        first, last = wanted
        assert 0 <= first <= last < size


@pytest.fixture
def library_url(tiny_content):
    return reverse("h5p:library_file", kwargs={"folder": TINY_QUIZ_FOLDER, "path": "tiny-quiz.js"})


@pytest.fixture
def whole(library_url):
    return b"".join(Client().get(library_url).streaming_content)


def test_a_whole_file_carries_length_and_validators(library_url, whole):
    response = Client().get(library_url)

    assert response.status_code == 200
    assert response["Content-Length"] == str(len(whole))
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_range_is_answered_206_with_its_content_range(library_url, whole):
    response = Client().get(library_url, HTTP_RANGE="bytes=10-19")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-19/{len(whole)}"
    assert response["Content-Length"] == "10"
    assert b"".join(response.streaming_content) == whole[10:20]
    tail = Client().get(library_url, HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == whole[-5:]


def test_an_unsatisfiable_range_is_answered_416(library_url, whole):
    response = Client().get(library_url, HTTP_RANGE=f"bytes={len(whole)}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(whole)}"


def test_a_conditional_get_of_an_unchanged_file_is_answered_304(library_url):
    first = Client().get(library_url)

    by_etag = Client().get(library_url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = Client().get(library_url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag["ETag"] == first["ETag"]
    assert by_etag.content == b""


def test_if_range_with_a_stale_etag_gets_the_whole_file(library_url, whole):
    response = Client().get(library_url, HTTP_RANGE="bytes=0-3", HTTP_IF_RANGE='"stale"')

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == whole


def test_package_files_are_cached_as_immutable(activity_lesson, tiny_content):
    token = play_token_issue(
        user=activity_lesson.learner, content=tiny_content, lesson_id=activity_lesson.lesson.pk
    )
    url = reverse(
        "h5p:package_file",
        kwargs={"content_uuid": tiny_content.uuid, "token": token, "path": "h5p.json"},
    )

    response = Client().get(url, HTTP_RANGE="bytes=0-0")

    assert response.status_code == 206
    assert b"".join(response.streaming_content) == b"{"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
