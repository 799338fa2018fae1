"""Notices to the learners of a run, shown on their dashboards.

`learning` sits below the apps that write such notices (announcements live in `teaching`), so
it cannot read them itself. Those apps register a provider here from their `AppConfig.ready()`;
the dashboard asks every provider once per page, with all the learner's active runs at once.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RunNotice:
    run_id: int
    title: str
    body: str
    created_at: datetime
    course_title: str = ""


# A provider takes run ids and a limit and returns at most that many notices, newest first.
NoticeProvider = Callable[[Iterable[int], int], list[RunNotice]]

_providers: list[NoticeProvider] = []


def run_notices_register(provider: NoticeProvider) -> NoticeProvider:
    """Add a provider (once, however often an app's `ready()` runs)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def run_notices(run_ids: Iterable[int], *, limit: int) -> list[RunNotice]:
    """The newest `limit` notices to any of `run_ids`, from every provider."""
    run_ids = list(run_ids)
    if not run_ids:
        return []
    notices = [notice for provider in _providers for notice in provider(run_ids, limit)]
    notices.sort(key=lambda notice: notice.created_at, reverse=True)
    return notices[:limit]
