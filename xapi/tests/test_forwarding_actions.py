"""The registrar's actions on a university's external LRS (ADR 0057): back-filling statements
stored before it queued them, retrying failed deliveries now, and reactivating it.

Back-fill: only the university's own learners' statements that pass the LRS's filters are
queued, under their ids, never twice, in slices; each learner's statements still go in the
order they were stored. Every action is POST only, behind the registrar's gate, and answers
404 for another university's LRS or a malformed id.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory, make_member
from xapi import forwarding
from xapi.models import ExternalLRS, ForwardedStatement, ForwardingBackfill, Statement
from xapi.services import (
    external_lrs_deactivate,
    forwarding_backfill_request,
    forwarding_backfill_run,
    forwards_retry,
    learner_agent,
    platform_authority,
    statement_store,
)
from xapi.services import forwarding_backfill as backfill_module

from .conftest import ANSWERED, COMPLETED, make_external_lrs, make_statement


def _store(learner, university, **overrides) -> str:
    statement = make_statement(actor=learner_agent(learner), **overrides)
    return statement_store(statement, authority=platform_authority(), university_id=university.pk)


def _queued_ids(lrs) -> list[str]:
    return [
        str(statement_uuid)
        for statement_uuid in ForwardedStatement.objects.filter(lrs=lrs)
        .order_by("statement_id")
        .values_list("statement_uuid", flat=True)
    ]


def _backfill(lrs, **kwargs) -> ForwardingBackfill:
    backfill, _created = forwarding_backfill_request(lrs=lrs, **kwargs)
    assert forwarding_backfill_run(backfill_id=backfill.pk)
    backfill.refresh_from_db()
    return backfill


def _browser(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


# --- back-fill -------------------------------------------------------------------------------


def test_statements_stored_before_the_lrs_are_queued_under_their_ids(university_a, learner_a):
    before = [_store(learner_a, university_a) for _ in range(3)]
    lrs = make_external_lrs(university_a)
    assert not ForwardedStatement.objects.exists()
    backfill = _backfill(lrs)
    assert _queued_ids(lrs) == before
    assert backfill.status == "done" and backfill.finished_at is not None
    assert (backfill.queued, backfill.already_queued, backfill.filtered_out) == (3, 0, 0)
    row = ForwardedStatement.objects.filter(lrs=lrs).first()
    assert row.status == "pending" and row.learner_key == learner_a.pk and row.attempts == 0


def test_only_the_universitys_own_learners_statements_are_queued(
    university_a, university_b, learner_a, learner_b
):
    own = _store(learner_a, university_a)
    _store(learner_b, university_b)
    # A client's statement about someone who is not an Ilm learner: never forwarded.
    statement_store(make_statement(), authority=platform_authority(), university_id=university_a.pk)
    lrs = make_external_lrs(university_a)
    make_external_lrs(university_b, name="B's")
    _backfill(lrs)
    assert _queued_ids(lrs) == [own]
    assert ForwardedStatement.objects.count() == 1


def test_the_lrs_filters_are_honoured(university_a, learner_a):
    course = "https://u.example/c1/"
    kept = _store(learner_a, university_a, verb={"id": COMPLETED}, object={"id": course + "quiz"})
    _store(learner_a, university_a, verb={"id": ANSWERED}, object={"id": course + "quiz"})
    _store(learner_a, university_a, verb={"id": COMPLETED}, object={"id": "https://u.example/c2/"})
    lrs = make_external_lrs(university_a, verb_iris=COMPLETED, activity_prefixes=course)
    backfill = _backfill(lrs)
    assert _queued_ids(lrs) == [kept]
    assert (backfill.queued, backfill.filtered_out) == (1, 2)


def test_since_leaves_out_older_statements(university_a, learner_a):
    old, recent = _store(learner_a, university_a), _store(learner_a, university_a)
    Statement.objects.filter(statement_id=old).update(stored=timezone.now() - dt.timedelta(days=40))
    lrs = make_external_lrs(university_a)
    _backfill(lrs, since=timezone.now() - dt.timedelta(days=10))
    assert _queued_ids(lrs) == [recent]


def test_asking_twice_never_queues_a_statement_twice(university_a, learner_a):
    earlier = [_store(learner_a, university_a) for _ in range(2)]
    lrs = make_external_lrs(university_a)
    live = _store(learner_a, university_a)  # queued as it was stored
    first, created = forwarding_backfill_request(lrs=lrs)
    again, created_again = forwarding_backfill_request(lrs=lrs)
    assert created and not created_again and again.pk == first.pk  # one runs at a time
    assert forwarding_backfill_run(backfill_id=first.pk)
    assert forwarding_backfill_run(backfill_id=first.pk)  # a redelivered task: nothing more
    ForwardedStatement.objects.filter(statement__statement_id=earlier[0]).update(
        status="sent", sent_at=timezone.now()
    )
    second = _backfill(lrs)
    assert second.pk != first.pk
    first.refresh_from_db()
    assert (first.queued, first.already_queued) == (2, 1)
    assert (second.queued, second.already_queued) == (0, 3)  # sent and queued are skipped
    assert _queued_ids(lrs) == [*earlier, live]
    assert ForwardedStatement.objects.filter(status="sent").count() == 1


def test_it_works_in_slices_each_moving_the_cursor(monkeypatch, university_a, learner_a):
    monkeypatch.setattr(backfill_module, "BACKFILL_SLICE", 2)
    stored = [_store(learner_a, university_a) for _ in range(5)]
    lrs = make_external_lrs(university_a)
    backfill, _created = forwarding_backfill_request(lrs=lrs)
    cursors = []
    while not backfill_module._slice_run(backfill.pk):
        backfill.refresh_from_db()
        cursors.append(backfill.cursor)
        assert backfill.status == "running" and backfill.queued == len(cursors) * 2
    backfill.refresh_from_db()
    assert len(cursors) == 2 and cursors == sorted(cursors)
    assert backfill.status == "done" and backfill.queued == 5
    assert _queued_ids(lrs) == stored


def test_a_run_out_of_time_asks_for_another(
    monkeypatch, university_a, learner_a, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(backfill_module, "BACKFILL_SLICE", 1)
    for _ in range(3):
        _store(learner_a, university_a)
    lrs = make_external_lrs(university_a)
    backfill, _created = forwarding_backfill_request(lrs=lrs)
    with django_capture_on_commit_callbacks() as callbacks:
        assert not forwarding_backfill_run(backfill_id=backfill.pk, seconds=0)
    assert callbacks  # another run (and a delivery run) was asked for
    backfill.refresh_from_db()
    assert backfill.status == "running" and backfill.queued == 1


def test_a_stopped_lrs_is_not_back_filled(university_a, learner_a):
    _store(learner_a, university_a)
    lrs = make_external_lrs(university_a)
    external_lrs_deactivate(lrs=lrs)
    lrs.refresh_from_db()
    with pytest.raises(Exception, match="Reactivate"):
        forwarding_backfill_request(lrs=lrs)
    assert not ForwardingBackfill.objects.exists()


def test_a_stopped_lrs_gets_a_message_from_the_page(university_a):
    lrs = make_external_lrs(university_a)
    external_lrs_deactivate(lrs=lrs)
    browser = _browser(make_member("registrar", university_a))
    response = browser.post(f"/xapi/forwarding/uni-a/{lrs.pk}/backfill/", {"since": ""})
    assert response.status_code == 400 and "Reactivate" in response.content.decode()
    assert not ForwardingBackfill.objects.exists()


def test_each_learners_statements_keep_their_order_with_back_filled_ones(university_a):
    first, second = make_member("learner", university_a), make_member("learner", university_a)
    older_first = _store(first, university_a)
    older_second = _store(second, university_a)
    lrs = make_external_lrs(university_a)
    newer_first = _store(first, university_a)  # queued live, before the back-fill's rows
    backfill, _created = forwarding_backfill_request(lrs=lrs)

    def due() -> list[str]:
        heads = forwarding._queue_heads(lrs.pk, timezone.now())
        return sorted(
            str(uuid)
            for uuid in ForwardedStatement.objects.filter(pk__in=heads).values_list(
                "statement_uuid", flat=True
            )
        )

    # Until the back-fill has walked past it, the live statement waits: an older one of the
    # same learner may still be on its way into the queue.
    assert due() == []
    forwarding_backfill_run(backfill_id=backfill.pk)
    assert due() == sorted([older_first, older_second])
    ForwardedStatement.objects.filter(lrs=lrs, statement_uuid=older_first).update(status="sent")
    assert due() == sorted([newer_first, older_second])


def test_the_periodic_sweep_resumes_a_back_fill_whose_worker_went_away(
    university_a, learner_a, django_capture_on_commit_callbacks
):
    earlier = _store(learner_a, university_a)
    lrs = make_external_lrs(university_a)
    backfill, _created = forwarding_backfill_request(lrs=lrs)  # its task never ran
    assert backfill_module.forwarding_backfills_resume() == 0  # not stalled yet
    ForwardingBackfill.objects.filter(pk=backfill.pk).update(
        updated_at=timezone.now() - dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert backfill_module.forwarding_backfills_resume() == 1
    backfill.refresh_from_db()
    assert backfill.status == "done" and _queued_ids(lrs) == [earlier]


def test_registrar_asks_on_the_status_page_and_sees_the_counts(
    university_a, learner_a, django_capture_on_commit_callbacks
):
    for _ in range(2):
        _store(learner_a, university_a)
    lrs = make_external_lrs(university_a)
    browser = _browser(make_member("registrar", university_a))
    url = f"/xapi/forwarding/uni-a/{lrs.pk}/backfill/"
    with django_capture_on_commit_callbacks(execute=True):  # the eager task runs
        response = browser.post(url, {"since": ""})
    assert response.status_code == 302
    page = browser.get("/xapi/forwarding/uni-a/").content.decode()
    assert 'data-backfill="done"' in page and 'data-backfill-count="queued">2<' in page
    assert ForwardedStatement.objects.filter(lrs=lrs).count() == 2


@pytest.mark.parametrize(
    "since", ["yesterday", "2026-13-40", "1969-12-31", "9999-01-01", "0001-01-01", "2" * 30]
)
def test_a_bad_since_date_gets_a_message(university_a, since):
    lrs = make_external_lrs(university_a)
    browser = _browser(make_member("registrar", university_a))
    response = browser.post(f"/xapi/forwarding/uni-a/{lrs.pk}/backfill/", {"since": since})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not ForwardingBackfill.objects.exists()


# --- retry and reactivate --------------------------------------------------------------------


def test_retry_resets_the_backoff_of_failing_and_failed_deliveries(university_a, learner_a):
    lrs = make_external_lrs(university_a)
    for _ in range(3):
        _store(learner_a, university_a)
    failing, failed, sent = ForwardedStatement.objects.order_by("statement_id")
    later = timezone.now() + dt.timedelta(hours=5)
    ForwardedStatement.objects.filter(pk=failing.pk).update(
        status="failing", attempts=6, next_attempt_at=later, last_error="HTTP 503"
    )
    ForwardedStatement.objects.filter(pk=failed.pk).update(
        status="failed", attempts=forwarding.MAX_ATTEMPTS, next_attempt_at=later
    )
    ForwardedStatement.objects.filter(pk=sent.pk).update(status="sent", attempts=1)
    assert forwarding._queue_heads(lrs.pk, timezone.now()) == []
    browser = _browser(make_member("registrar", university_a))
    assert browser.post(f"/xapi/forwarding/uni-a/{lrs.pk}/retry/").status_code == 302
    for row in (failing, failed):
        row.refresh_from_db()
        assert row.status == "pending" and row.attempts == 0
        assert row.next_attempt_at <= timezone.now()
    sent.refresh_from_db()
    assert sent.status == "sent" and sent.attempts == 1
    assert forwarding._queue_heads(lrs.pk, timezone.now()) == [failing.pk]
    assert forwards_retry(lrs=lrs) == 0  # nothing failing any more


def test_after_a_retry_a_failure_waits_the_first_backoff_again(university_a, learner_a):
    lrs = make_external_lrs(university_a)  # nothing listens there: each attempt really fails
    _store(learner_a, university_a)
    ForwardedStatement.objects.update(status="failing", attempts=9)
    forwards_retry(lrs=lrs)
    before = timezone.now()
    forwarding.forwards_deliver(lrs_id=lrs.pk)
    row = ForwardedStatement.objects.get()
    assert row.attempts == 1 and row.status == "failing"
    assert row.next_attempt_at < before + dt.timedelta(seconds=forwarding.BACKOFF_BASE_SECONDS * 2)


def test_reactivate_forwards_again(university_a, learner_a):
    lrs = make_external_lrs(university_a)
    external_lrs_deactivate(lrs=lrs)
    browser = _browser(make_member("registrar", university_a))
    assert "Forward to this LRS again" in browser.get("/xapi/forwarding/uni-a/").content.decode()
    assert browser.post(f"/xapi/forwarding/uni-a/{lrs.pk}/reactivate/").status_code == 302
    lrs.refresh_from_db()
    assert lrs.is_active
    _store(learner_a, university_a)
    assert ForwardedStatement.objects.filter(lrs=lrs).count() == 1


def test_reactivate_checks_the_endpoint_again(settings, university_a):
    lrs = make_external_lrs(university_a)
    external_lrs_deactivate(lrs=lrs)
    settings.ILM_XAPI_FORWARD_ALLOW_PRIVATE_HOSTS = False  # the endpoint is on loopback
    browser = _browser(make_member("registrar", university_a))
    response = browser.post(f"/xapi/forwarding/uni-a/{lrs.pk}/reactivate/")
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    lrs.refresh_from_db()
    assert not lrs.is_active


# --- who may ---------------------------------------------------------------------------------

ACTIONS = ("retry", "reactivate", "backfill")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    "who,status",
    [("registrar_a", 302), ("staff", 302), ("registrar_b", 403), ("learner_a", 403)],
)
def test_who_may_act_on_an_lrs(university_a, university_b, learner_a, action, who, status):
    lrs = make_external_lrs(university_a)
    users = {
        "registrar_a": lambda: make_member("registrar", university_a),
        "registrar_b": lambda: make_member("registrar", university_b),
        "learner_a": lambda: learner_a,
        "staff": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    browser = _browser(users[who]())
    response = browser.post(f"/xapi/forwarding/uni-a/{lrs.pk}/{action}/")
    assert response.status_code == status
    assert ForwardingBackfill.objects.exists() == (action == "backfill" and status == 302)


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_visitors_are_sent_to_log_in(university_a, action):
    lrs = make_external_lrs(university_a)
    response = Client().post(f"/xapi/forwarding/uni-a/{lrs.pk}/{action}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ForwardingBackfill.objects.exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_another_universitys_lrs_or_a_malformed_id_is_not_found(university_a, university_b, action):
    lrs_b = make_external_lrs(university_b, name="B's")
    external_lrs_deactivate(lrs=lrs_b)
    registrar_a = _browser(make_member("registrar", university_a))
    staff = _browser(UserFactory(is_superuser=True, is_staff=True))
    for browser in (registrar_a, staff):  # staff too: the LRS is not uni-a's
        assert browser.post(f"/xapi/forwarding/uni-a/{lrs_b.pk}/{action}/").status_code == 404
    for malformed in ("abc", "-1", "9" * 23, "1.5", "%00"):
        path = f"/xapi/forwarding/uni-a/{malformed}/{action}/"
        assert registrar_a.post(path).status_code == 404
    lrs_b.refresh_from_db()
    assert not lrs_b.is_active and not ForwardingBackfill.objects.exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_are_post_only_and_need_the_csrf_token(university_a, action):
    lrs = make_external_lrs(university_a)
    registrar = make_member("registrar", university_a)
    url = f"/xapi/forwarding/uni-a/{lrs.pk}/{action}/"
    assert _browser(registrar).get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(registrar)
    assert strict.post(url).status_code == 403
    assert not ForwardingBackfill.objects.exists()
    assert ExternalLRS.objects.get().is_active
