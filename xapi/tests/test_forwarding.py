"""Forwarding to a university's own LRS: filters, queueing, order, backoff, the status page."""

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_member
from xapi import forwarding
from xapi.models import ExternalLRS, ForwardedStatement
from xapi.services import learner_agent, platform_authority, statement_store

from .conftest import ANSWERED, COMPLETED, make_external_lrs, make_statement


def _store(learner, university, **overrides):
    statement = make_statement(actor=learner_agent(learner), **overrides)
    return statement_store(statement, authority=platform_authority(), university_id=university.pk)


def test_filters_by_verb_and_activity_prefix(university_a):
    lrs = make_external_lrs(
        university_a, verb_iris=f"{COMPLETED}\n", activity_prefixes="https://u.example/c1/"
    )
    completed = make_statement(
        verb={"id": COMPLETED}, object={"id": "https://u.example/c1/quiz", "objectType": "Activity"}
    )
    assert forwarding.statement_passes(lrs, completed)
    assert not forwarding.statement_passes(lrs, dict(completed, verb={"id": ANSWERED}))
    other = dict(completed, object={"id": "https://u.example/c2/quiz"})
    assert not forwarding.statement_passes(lrs, other)
    agent_object = dict(completed, object={"objectType": "Agent", "mbox": "mailto:a@b.c"})
    assert not forwarding.statement_passes(lrs, agent_object)
    everything = make_external_lrs(university_a, name="All")
    assert forwarding.statement_passes(everything, other)


def test_a_stored_statement_is_queued_for_its_universitys_active_lrs_only(
    university_a, university_b, learner_a, learner_b
):
    lrs = make_external_lrs(university_a)
    make_external_lrs(university_a, name="Stopped").__class__.objects.filter(name="Stopped").update(
        is_active=False
    )
    make_external_lrs(university_b, name="B's", verb_iris=COMPLETED)
    statement_id = _store(learner_a, university_a)
    _store(learner_b, university_b)  # answered: B's filter lets only "completed" through
    queued = ForwardedStatement.objects.get()
    assert queued.lrs == lrs and str(queued.statement_uuid) == statement_id
    assert queued.learner_key == learner_a.pk and queued.status == "pending"


def test_statements_without_an_ilm_learner_are_not_forwarded(university_a):
    make_external_lrs(university_a)
    statement_store(make_statement(), authority=platform_authority(), university_id=university_a.pk)
    assert not ForwardedStatement.objects.exists()


def test_a_repeated_statement_is_queued_once(university_a, learner_a):
    make_external_lrs(university_a)
    statement = make_statement(actor=learner_agent(learner_a))
    for _ in range(2):
        statement_store(statement, authority=platform_authority(), university_id=university_a.pk)
    assert ForwardedStatement.objects.count() == 1


def test_only_the_oldest_unsent_statement_of_each_learner_is_due(university_a):
    lrs = make_external_lrs(university_a)
    first, second = make_member("learner", university_a), make_member("learner", university_a)
    for learner in (first, second, first, second):
        _store(learner, university_a)
    rows = list(ForwardedStatement.objects.order_by("id"))
    now = timezone.now()
    assert forwarding._queue_heads(lrs.pk, now) == [rows[0].pk, rows[1].pk]
    # The first learner's head failed and waits: their later statement waits behind it.
    ForwardedStatement.objects.filter(pk=rows[0].pk).update(
        status="failing", next_attempt_at=now + dt.timedelta(minutes=5)
    )
    ForwardedStatement.objects.filter(pk=rows[1].pk).update(status="sent")
    assert forwarding._queue_heads(lrs.pk, now) == [rows[3].pk]
    ForwardedStatement.objects.filter(pk=rows[0].pk).update(status="failed")
    assert forwarding._queue_heads(lrs.pk, now + dt.timedelta(hours=1)) == [rows[3].pk]


def test_backoff_doubles_up_to_its_cap():
    assert [forwarding.backoff_seconds(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert forwarding.backoff_seconds(40) == forwarding.BACKOFF_MAX_SECONDS


def test_the_secret_is_sealed_and_bound_to_its_key(university_a):
    lrs = make_external_lrs(university_a, key="key-1", secret="very secret")
    assert "very secret" not in lrs.secret_sealed
    assert forwarding.secret_open(lrs.secret_sealed, key="key-1") == "very secret"
    with pytest.raises(ValueError):
        forwarding.secret_open(lrs.secret_sealed, key="key-2")


def test_an_unreachable_receiver_is_retried_later_and_the_error_kept(university_a, learner_a):
    # Nothing listens on the port: a real refused connection, not a stand-in.
    lrs = make_external_lrs(university_a)
    _store(learner_a, university_a)
    before = timezone.now()
    assert forwarding.forwards_deliver(lrs_id=lrs.pk) == 0
    row = ForwardedStatement.objects.get()
    assert row.status == "failing" and row.attempts == 1
    assert "ConnectionError" in row.last_error
    assert row.next_attempt_at >= before + dt.timedelta(seconds=29)
    assert forwarding.forwards_deliver(lrs_id=lrs.pk) == 0  # not due yet: no second attempt
    assert ForwardedStatement.objects.get().attempts == 1
    ForwardedStatement.objects.update(attempts=forwarding.MAX_ATTEMPTS - 1, next_attempt_at=before)
    forwarding.forwards_deliver(lrs_id=lrs.pk)
    assert ForwardedStatement.objects.get().status == "failed"


def test_registrar_configures_and_sees_counts(university_a, learner_a):
    registrar = make_member("registrar", university_a)
    browser = Client()
    browser.force_login(registrar)
    url = "/xapi/forwarding/uni-a/"
    assert browser.get(url).status_code == 200
    response = browser.post(
        url,
        {"name": "Campus LRS", "endpoint": "http://127.0.0.1:9/xapi/", "key": "abc",
         "secret": "xyz", "xapi_version": "1.0.3", "verb_iris": "", "activity_prefixes": ""},
    )  # fmt: skip
    assert response.status_code == 302
    lrs = ExternalLRS.objects.get()
    assert lrs.university == university_a and "xyz" not in lrs.secret_sealed
    _store(learner_a, university_a)
    page = browser.get(url).content.decode()
    assert "Campus LRS" in page and 'data-count="pending">1<' in page
    browser.post(url, {"action": "deactivate", "lrs": lrs.pk})
    lrs.refresh_from_db()
    assert not lrs.is_active


@pytest.mark.parametrize(
    "endpoint,secret", [("not a url", "x"), ("ftp://example.com/", "x"), ("http://e.com/", "")]
)
def test_bad_configuration_is_refused_with_a_message(university_a, endpoint, secret):
    registrar = make_member("registrar", university_a)
    browser = Client()
    browser.force_login(registrar)
    response = browser.post(
        "/xapi/forwarding/uni-a/",
        {"name": "X", "endpoint": endpoint, "key": "k", "secret": secret, "xapi_version": "1.0.3"},
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not ExternalLRS.objects.exists()


def test_registrar_of_another_university_is_refused(university_a, university_b):
    lrs = make_external_lrs(university_a)
    outsider = make_member("registrar", university_b)
    browser = Client()
    browser.force_login(outsider)
    assert browser.get("/xapi/forwarding/uni-a/").status_code == 403
    response = browser.post("/xapi/forwarding/uni-b/", {"action": "deactivate", "lrs": lrs.pk})
    assert response.status_code == 404
    lrs.refresh_from_db()
    assert lrs.is_active


def test_status_counts_per_status(university_a, learner_a):
    lrs = make_external_lrs(university_a)
    for _ in range(3):
        _store(learner_a, university_a)
    ForwardedStatement.objects.filter(pk=ForwardedStatement.objects.order_by("id")[0].pk).update(
        status="sent"
    )
    [row] = forwarding.forwarding_status(ExternalLRS.objects.filter(pk=lrs.pk))
    assert row["counts"] == {"sent": 1, "pending": 2}
    assert uuid.UUID(str(ForwardedStatement.objects.first().statement_uuid))
