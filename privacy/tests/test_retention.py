"""Statements and audit events older than their retention periods go; newer ones stay; a
period of 0 keeps everything."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from privacy import tasks
from privacy.services import retention_enforce
from privacy.tests.conftest import outside_statement
from tests import factories as f
from xapi.models import Statement, StatementKey
from xapi.services import platform_authority, statement_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(db):
    """Two statements and two audit events: one of each 400 days old, one a day old."""
    university = f.UniversityFactory(code="tnu")
    now = timezone.now()
    ids = {}
    for age in (400, 1):
        statement_id = statement_store(
            outside_statement(f"age{age}@example.org"),
            authority=platform_authority(),
            university_id=university.pk,
        )
        Statement.objects.filter(statement_id=statement_id).update(
            stored=now - dt.timedelta(days=age)
        )
        event = audit_record(actor=None, action="test.event", summary=f"{age} days")
        AuditEvent.objects.filter(pk=event.pk).update(occurred_at=now - dt.timedelta(days=age))
        ids[age] = (statement_id, event.pk)
    AuditEvent.objects.exclude(action="test.event").delete()
    return ids


def test_rows_past_the_period_go_and_newer_ones_stay(settings, rows):
    settings.ILM_XAPI_STATEMENT_RETENTION_DAYS = 365
    settings.ILM_AUDIT_RETENTION_DAYS = 365

    outcome = retention_enforce()

    assert (outcome.statements, outcome.audit_events) == (1, 1)
    assert [str(i) for i in Statement.objects.values_list("statement_id", flat=True)] == [
        rows[1][0]
    ]
    assert not StatementKey.objects.exclude(statement__statement_id=rows[1][0]).exists()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [rows[1][1]]
    # Again: nothing left to delete.
    assert retention_enforce() == type(outcome)(statements=0, audit_events=0)


def test_zero_keeps_everything(settings, rows):
    settings.ILM_XAPI_STATEMENT_RETENTION_DAYS = 0
    settings.ILM_AUDIT_RETENTION_DAYS = 0
    assert retention_enforce().statements == 0
    assert Statement.objects.count() == 2 and AuditEvent.objects.count() == 2


def test_each_period_is_its_own(settings, rows):
    settings.ILM_XAPI_STATEMENT_RETENTION_DAYS = 0
    settings.ILM_AUDIT_RETENTION_DAYS = 30
    assert tasks.retention_enforce.delay().get() == {"statements": 0, "audit_events": 1}
    assert Statement.objects.count() == 2 and AuditEvent.objects.count() == 1


def test_the_task_is_in_the_beat_schedule(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "privacy.retention_enforce" in tasks_scheduled


@pytest.mark.parametrize(("raw", "days"), [(None, 0), ("", 0), (" ", 0), ("0", 0), ("730", 730)])
def test_an_unset_or_empty_period_means_forever(monkeypatch, raw, days):
    from lms import env

    monkeypatch.setattr(env, "_ENVIRON", {} if raw is None else {"X_DAYS": raw})
    assert env._days("X_DAYS") == days
