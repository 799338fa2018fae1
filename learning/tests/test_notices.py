"""Run notices: the dashboard's one way to list what apps above learning post to a run."""

from datetime import UTC, datetime

from learning import notices
from learning.notices import RunNotice, run_notices, run_notices_register
from teaching.selectors import run_announcements


def _at(day: int) -> datetime:
    return datetime(2026, 11, day, tzinfo=UTC)


def test_teaching_registers_its_announcements_once():
    assert notices._providers.count(run_announcements) == 1
    run_notices_register(run_announcements)
    assert notices._providers.count(run_announcements) == 1


def test_notices_from_every_provider_come_newest_first_up_to_the_limit(monkeypatch):
    monkeypatch.setattr(notices, "_providers", [])
    asked = []

    def old_news(run_ids, limit):
        asked.append((list(run_ids), limit))
        return [RunNotice(1, "old", "", _at(1)), RunNotice(2, "older", "", _at(2))]

    def fresh_news(run_ids, limit):
        return [RunNotice(2, "fresh", "", _at(9))]

    run_notices_register(old_news)
    run_notices_register(fresh_news)

    assert [n.title for n in run_notices([1, 2], limit=2)] == ["fresh", "older"]
    assert asked == [([1, 2], 2)]
    assert run_notices([], limit=5) == []
    assert len(asked) == 1  # no runs, no provider is asked
