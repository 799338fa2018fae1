"""Forwarding to a university's own LRS against a real second Ilm instance (ADR 0057).

The receiver is another Ilm process (gunicorn) with a database of its own, migrated here,
and a SITE_URL of its own, so it is a foreign LRS to the sender in every respect. Statements
posted to the sender's xAPI endpoint are delivered by real Celery workers; one worker is
SIGKILLed halfway through, another takes over, and the receiver ends up with every statement
exactly once, under the same ids, in each learner's order.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import uuid

import psycopg
import pytest
import requests
from django.conf import settings
from django.test import Client

from tests.factories import UniversityFactory, make_member
from xapi.models import ForwardedStatement, ForwardingBackfill
from xapi.services import external_lrs_create, learner_agent, lrs_client_create

from .conftest import RESULT_TIMEOUT
from .processes import free_port, wait_for, worker_database_url

RECEIVER_DB = "test_forward_receiver"
STATEMENTS_PER_LEARNER = 40


def _admin_url(database_url: str, name: str) -> str:
    return database_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def receiver(tmp_path):
    """A second Ilm on its own port and database, with an LRS client of its own."""
    sender_url = worker_database_url()
    with psycopg.connect(_admin_url(sender_url, "postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {RECEIVER_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {RECEIVER_DB}")
    database_url = _admin_url(sender_url, RECEIVER_DB)
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "DJANGO_", "CELERY_")) and k != "REDIS_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        DATABASE_URL=database_url,
        SITE_URL=f"http://127.0.0.1:{port}",
        CELERY_BROKER_URL="",
        SECRET_KEY="receiver-" + settings.SECRET_KEY,
    )
    manage = [sys.executable, "manage.py"]
    run = {"cwd": settings.BASE_DIR, "env": env, "capture_output": True, "text": True}
    migrated = subprocess.run([*manage, "migrate", "--noinput"], timeout=900, **run)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    script = (
        "from universities.models import University;"
        "from xapi.services import lrs_client_create;"
        "u = University.objects.create(code='recv', name='Receiver');"
        "c = lrs_client_create(university=u, name='Sender');"
        "print(c.key, c.secret)"
    )
    made = subprocess.run([*manage, "shell", "-c", script], timeout=300, **run)
    assert made.returncode == 0, made.stderr[-3000:]
    key, secret = made.stdout.split()[-2:]
    log = (tmp_path / "receiver.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lms.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "60"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}/xapi/"

    def up():
        try:
            return requests.get(endpoint + "about", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_for(up, timeout=120, what="the receiving Ilm")
        yield {"endpoint": endpoint, "key": key, "secret": secret, "database_url": database_url}
    finally:
        os.killpg(server.pid, 9)
        server.wait(timeout=30)
        with psycopg.connect(_admin_url(sender_url, "postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {RECEIVER_DB} WITH (FORCE)")


def _receiver_rows(database_url: str) -> list[tuple[str, str]]:
    """(statement id, actor account name) of the receiver's statements, in stored order."""
    with psycopg.connect(database_url) as conn:
        return [
            (str(row[0]), row[1])
            for row in conn.execute(
                "SELECT statement_id, data->'actor'->'account'->>'name' FROM xapi_statement"
                " ORDER BY stored, id"
            )
        ]


def test_statements_reach_the_universitys_lrs_once_and_in_order_despite_a_killed_worker(
    receiver, worker_factory, celery_to_broker
):
    university = UniversityFactory(code="fwd")
    learners = [make_member("learner", university) for _ in range(3)]
    external_lrs_create(
        university=university,
        name="Campus LRS",
        endpoint=receiver["endpoint"],
        key=receiver["key"],
        secret=receiver["secret"],
    )
    credentials = lrs_client_create(university=university, name="Quiz tool")
    token = base64.b64encode(f"{credentials.key}:{credentials.secret}".encode()).decode()
    sender = Client()
    sent_order: dict[str, list[str]] = {str(learner.pk): [] for learner in learners}
    for _ in range(STATEMENTS_PER_LEARNER // 10):
        _statements_post(sender, token, learners, sent_order, per_learner=10)
    total = STATEMENTS_PER_LEARNER * len(learners)
    assert ForwardedStatement.objects.filter(status="pending").count() == total

    first = worker_factory().start()
    wait_for(
        lambda: ForwardedStatement.objects.filter(status="sent").count() >= 10,
        timeout=RESULT_TIMEOUT,
        what="the first deliveries",
        interval=0.02,
    )
    first.kill()  # halfway through: the task's message is unacknowledged, a row maybe locked
    sent_before = ForwardedStatement.objects.filter(status="sent").count()
    assert sent_before < total, "the first worker finished before it could be killed"

    worker_factory().start()
    wait_for(
        lambda: ForwardedStatement.objects.filter(status="sent").count() == total,
        timeout=RESULT_TIMEOUT * 2,
        what="every statement to be forwarded",
    )
    rows = _receiver_rows(receiver["database_url"])
    received_ids = [statement_id for statement_id, _ in rows]
    assert len(received_ids) == total == len(set(received_ids))  # nothing lost, no duplicate
    for learner_key, expected in sent_order.items():
        assert [i for i, name in rows if name == learner_key] == expected  # each one's order
    assert not ForwardedStatement.objects.exclude(last_error="").exists()


def _statements_post(sender: Client, token: str, learners, sent_order, *, per_learner: int):
    batch = []
    for learner in learners:
        for _ in range(per_learner):
            statement_id = str(uuid.uuid4())
            sent_order[str(learner.pk)].append(statement_id)
            batch.append(
                {
                    "id": statement_id,
                    "actor": learner_agent(learner),
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                    "object": {"id": f"https://fwd.example/q/{statement_id}"},
                }
            )
    response = sender.post(
        "/xapi/statements",
        json.dumps(batch),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {token}",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert response.status_code == 200, response.content


def test_a_back_fill_sends_older_statements_first_and_once(
    receiver, worker_factory, celery_to_broker
):
    university = UniversityFactory(code="bfl")
    learners = [make_member("learner", university) for _ in range(3)]
    credentials = lrs_client_create(university=university, name="Quiz tool")
    token = base64.b64encode(f"{credentials.key}:{credentials.secret}".encode()).decode()
    sender = Client()
    sent_order: dict[str, list[str]] = {str(learner.pk): [] for learner in learners}
    _statements_post(sender, token, learners, sent_order, per_learner=10)  # before the LRS
    lrs = external_lrs_create(
        university=university,
        name="Campus LRS",
        endpoint=receiver["endpoint"],
        key=receiver["key"],
        secret=receiver["secret"],
    )
    _statements_post(sender, token, learners, sent_order, per_learner=5)  # queued live
    assert ForwardedStatement.objects.count() == 15
    registrar = Client()
    registrar.force_login(make_member("registrar", university))
    backfill_url = f"/xapi/forwarding/{university.code}/{lrs.pk}/backfill/"
    assert registrar.post(backfill_url, {"since": ""}).status_code == 302

    worker_factory().start()
    total = 15 * len(learners)
    wait_for(
        lambda: ForwardedStatement.objects.filter(status="sent").count() == total,
        timeout=RESULT_TIMEOUT * 2,
        what="the back-filled and live statements to be forwarded",
    )
    backfill = ForwardingBackfill.objects.get()
    assert backfill.status == "done" and (backfill.queued, backfill.already_queued) == (30, 15)
    rows = _receiver_rows(receiver["database_url"])
    received_ids = [statement_id for statement_id, _ in rows]
    assert len(received_ids) == total == len(set(received_ids))
    for learner_key, expected in sent_order.items():
        assert [i for i, name in rows if name == learner_key] == expected  # older ones first

    # Asking again queues nothing: every statement is already sent.
    assert registrar.post(backfill_url, {"since": ""}).status_code == 302
    wait_for(
        lambda: ForwardingBackfill.objects.filter(status="done").count() == 2,
        timeout=RESULT_TIMEOUT,
        what="the second back-fill",
    )
    again = ForwardingBackfill.objects.latest("pk")
    assert (again.queued, again.already_queued) == (0, total)
    assert len(_receiver_rows(receiver["database_url"])) == total
