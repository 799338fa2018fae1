"""`courses.kept` (ADR 0064, 0066): values kept under the content generation, in the shared
cache and in a copy per process, never stale and never shared between readers."""

import pytest
from django.core.cache import cache

from courses import kept as kept_module
from courses import pagecache
from courses.kept import kept, process_tier


@pytest.fixture(autouse=True)
def shared_cache_on(settings):
    settings.PAGE_CACHE = True
    cache.clear()
    process_tier.clear()
    yield
    cache.clear()
    process_tier.clear()


def counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value

    return compute, calls


@pytest.mark.django_db
def test_a_value_is_computed_once_per_generation():
    compute, calls = counting({"title": "Intro"})
    assert kept("thing", (1,), compute) == {"title": "Intro"}
    assert kept("thing", (1,), compute) == {"title": "Intro"}
    assert len(calls) == 1
    pagecache.content_changed()  # what any content write does
    assert kept("thing", (1,), compute) == {"title": "Intro"}
    assert len(calls) == 2


def test_each_reader_gets_its_own_copy():
    first = kept("thing", (2,), lambda: {"lessons": ["a"]})
    first["lessons"].append("set by one request")
    assert kept("thing", (2,), lambda: {"lessons": ["never computed"]}) == {"lessons": ["a"]}


def test_another_process_finds_the_value_in_the_shared_cache():
    compute, calls = counting([1, 2, 3])
    kept("thing", (3,), compute)
    process_tier.clear()  # as in a worker process that has not read it yet
    assert kept("thing", (3,), compute) == [1, 2, 3]
    assert len(calls) == 1


def test_a_bump_in_another_process_reaches_this_one_at_once():
    assert kept("thing", (4,), lambda: "old") == "old"
    cache.incr(pagecache.GENERATION_KEY)  # what another process's write does
    assert kept("thing", (4,), lambda: "new") == "new"


def test_none_is_not_kept():
    compute, calls = counting(None)
    assert kept("thing", (5,), compute) is None
    assert kept("thing", (5,), compute) is None
    assert len(calls) == 2


def test_the_process_copy_is_bounded(monkeypatch):
    monkeypatch.setattr(process_tier, "size", 3)
    for n in range(5):
        kept("thing", (n,), lambda n=n: n)
    assert len(process_tier.values) == 3


def test_without_the_shared_cache_nothing_is_kept(settings):
    settings.PAGE_CACHE = False
    compute, calls = counting("fresh")
    kept("thing", (6,), compute)
    kept("thing", (6,), compute)
    assert len(calls) == 2
    assert kept_module.process_tier.values == {}
