"""An announcement posted in the web process is emailed by real workers, once per learner.

The web side is the real view (`teaching:announcements`) through Django's test client: it
writes the announcement and one delivery row per learner and enqueues the sending task through
the outbox onto this test's own Redis. The workers mail into files (`tests.services.mail`), so
this process can count what every worker sent. Then the task is delivered again, in the two
ways the broker and the outbox can cause: the same message published twice (two workers may
run both at once), and a worker killed halfway, whose message the broker hands out again.
Either way every learner gets exactly one email.
"""

import re
from collections import Counter

import pytest
from django.urls import reverse

from learning.services import enrollment_create
from lms.celery import app as celery_app
from outbox.models import OutboxMessage
from teaching.models import Announcement, AnnouncementDelivery
from teaching.tasks import announcement_email_send
from tests.factories import UniversityFactory, build_course, make_member, open_run

from .conftest import RESULT_TIMEOUT
from .mail import sent_messages
from .processes import wait_for

MAIL_SETTINGS = "tests.services.mail_settings"


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def course_run():
    university = UniversityFactory(code="ann", name="Announcing University")
    run = open_run(build_course(university, title="Statistics", quiz_in_last_lesson=False))
    return university, run


def enroll(university, run, count: int) -> list[str]:
    learners = [make_member("learner", university) for _ in range(count)]
    for learner in learners:
        enrollment_create(learner=learner, run=run)
    return sorted(learner.email for learner in learners)


def post_announcement(client, university, run) -> tuple[Announcement, OutboxMessage]:
    """An instructor posts through the real view; returns what it stored and enqueued."""
    client.force_login(make_member("instructor", university))
    response = client.post(
        reverse("teaching:announcements", args=[run.pk]),
        {"title": "Exam moved", "body": "The exam is on Friday at 10:00."},
    )
    assert response.status_code == 302
    message = OutboxMessage.objects.get(task_name=announcement_email_send.name)
    assert message.dispatched_at is not None  # published to the broker after commit
    return Announcement.objects.get(run=run), message


def recipients(mail_dir) -> Counter:
    return Counter(message["To"] for message in sent_messages(mail_dir))


def all_sent(announcement) -> bool:
    return not announcement.deliveries.exclude(status=AnnouncementDelivery.Status.SENT).exists()


def broker_is_drained(broker) -> bool:
    """Nothing waiting in the default queue and nothing delivered but unacknowledged."""
    client = broker.client()
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def finished_runs(workers, task_id) -> list[int]:
    """What each finished delivery of `task_id` returned (emails sent), from the logs."""
    pattern = re.compile(
        rf"Task {re.escape(announcement_email_send.name)}\[{task_id}\] succeeded in \S+: (\d+)"
    )
    return [
        int(sent)
        for worker in workers
        for sent in pattern.findall(worker.log_path.read_text(errors="replace"))
    ]


def test_an_announcement_published_twice_emails_each_learner_once(
    client, celery_to_broker, worker_factory, mail_dir, course_run
):
    university, run = course_run
    env = {
        "DJANGO_SETTINGS_MODULE": MAIL_SETTINGS,
        "SERVICES_MAIL_DIR": str(mail_dir),
        # A slow mail server, so that the two deliveries below overlap in time.
        "SERVICES_MAIL_DELAY": "0.2",
    }
    workers = [worker_factory(**env).start(), worker_factory(**env).start()]
    learners = enroll(university, run, 8)

    announcement, message = post_announcement(client, university, run)
    assert announcement.deliveries.count() == 8
    # The same message again, with the same task id: a relay that could not tell whether its
    # first publish arrived. The second worker picks it up while the first is sending.
    celery_app.send_task(
        message.task_name, args=message.args, kwargs=message.kwargs, task_id=str(message.task_id)
    )

    wait_for(lambda: all_sent(announcement), timeout=RESULT_TIMEOUT, what="every delivery sent")
    wait_for(
        lambda: len(finished_runs(workers, message.task_id)) == 2,
        timeout=RESULT_TIMEOUT,
        what="both deliveries of the task to finish",
    )
    wait_for(lambda: broker_is_drained(celery_to_broker), timeout=30, what="both acks")

    assert recipients(mail_dir) == Counter(dict.fromkeys(learners, 1))
    assert sum(finished_runs(workers, message.task_id)) == 8  # shared, not sent twice
    assert set(announcement.deliveries.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_while_sending_is_redelivered_and_emails_each_learner_once(
    client, celery_to_broker, worker_factory, mail_dir, course_run
):
    university, run = course_run
    worker = worker_factory(
        DJANGO_SETTINGS_MODULE=MAIL_SETTINGS,
        SERVICES_MAIL_DIR=str(mail_dir),
        SERVICES_MAIL_HOLD_AT="3",  # the fourth message waits for the test
    ).start()
    learners = enroll(university, run, 6)

    announcement, message = post_announcement(client, university, run)
    wait_for(
        lambda: (mail_dir / "holding").exists(),
        timeout=RESULT_TIMEOUT,
        what="the worker to be sending the fourth email",
    )

    worker.kill()  # SIGKILL to the whole process group, in the middle of the fourth send

    assert sum(recipients(mail_dir).values()) == 3
    sent = announcement.deliveries.filter(status=AnnouncementDelivery.Status.SENT)
    assert sent.count() == 3  # each committed with its own send
    # The fourth row's transaction died with the worker's connection: it is pending again.
    assert announcement.deliveries.filter(status=AnnouncementDelivery.Status.PENDING).count() == 3
    # acks_late: the message was delivered but never acknowledged, so Redis still holds it.
    assert celery_to_broker.client().hlen("unacked") == 1
    (mail_dir / "release").touch()  # the redelivered run need not wait

    worker.start()  # the same worker, restarted

    wait_for(lambda: all_sent(announcement), timeout=RESULT_TIMEOUT, what="the rest to be sent")
    wait_for(lambda: broker_is_drained(celery_to_broker), timeout=30, what="the redelivery ack")
    assert recipients(mail_dir) == Counter(dict.fromkeys(learners, 1))
    assert finished_runs([worker], message.task_id) == [3]  # the redelivery sent the rest
    assert set(announcement.deliveries.values_list("attempts", flat=True)) == {1}
