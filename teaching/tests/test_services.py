"""Announcement deliveries: written once when posted, each sent once, failures kept apart."""

import smtplib
import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test import override_settings

from learning import services as learning
from outbox.models import OutboxMessage
from teaching import services, tasks
from teaching.models import Announcement, AnnouncementDelivery
from tests import factories as f

pytestmark = pytest.mark.django_db

REFUSED = "refused@example.org"


class RefusingBackend(LocmemBackend):
    """The in-memory outbox, except that the mail server refuses one address."""

    def send_messages(self, messages):
        for message in messages:
            if REFUSED in message.to:
                raise smtplib.SMTPRecipientsRefused({REFUSED: (550, b"No such user")})
        return super().send_messages(messages)


class SlowBackend(LocmemBackend):
    """The in-memory outbox behind a slow mail server: concurrent senders overlap."""

    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


def mailer(backend) -> dict:
    return {"default": {"BACKEND": f"{__name__}.{backend.__name__}"}}


def enrolled(world, count: int, **user_kwargs) -> list:
    learners = [f.make_member("learner", world.a, **user_kwargs) for _ in range(count)]
    for learner in learners:
        learning.enrollment_create(learner=learner, run=world.run_a)
    return learners


def post(world, title="Exam moved") -> Announcement:
    """Post without running the task: the on-commit enqueue never fires inside a test's
    transaction, so each test sends when it chooses to."""
    return services.announcement_create(
        author=world.instructor_a, run=world.run_a, title=title, body="Friday, 10:00."
    )


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def statuses(announcement) -> dict[str, str]:
    return dict(announcement.deliveries.values_list("email", "status"))


def test_posting_writes_one_pending_delivery_per_active_learner_and_enqueues_once(
    world, django_capture_on_commit_callbacks
):
    learners = enrolled(world, 2)
    withdrawn = enrolled(world, 1)[0]
    learning.enrollment_withdraw(enrollment=withdrawn.enrollments.get())
    enrolled_elsewhere = f.make_member("learner", world.b)
    learning.enrollment_create(learner=enrolled_elsewhere, run=world.run_b)

    with django_capture_on_commit_callbacks() as callbacks:
        announcement = post(world)

    deliveries = announcement.deliveries.order_by("recipient_id")
    assert [(d.recipient_id, d.email) for d in deliveries] == [(u.pk, u.email) for u in learners]
    assert {(d.status, d.attempts, d.sent_at) for d in deliveries} == {("pending", 0, None)}
    assert len(callbacks) == 1  # one task for the whole announcement, after commit
    assert mail.outbox == []


def test_posting_to_a_run_without_learners_writes_no_deliveries(world):
    announcement = post(world)
    assert not announcement.deliveries.exists()
    assert services.announcement_deliveries_send(announcement_id=announcement.pk).sent == 0


def test_sending_emails_each_pending_delivery_and_marks_it_sent(world):
    learners = enrolled(world, 3)
    announcement = post(world)

    result = services.announcement_deliveries_send(announcement_id=announcement.pk)

    assert (result.sent, result.failed, result.unfinished) == (3, 0, False)
    assert recipients() == sorted(u.email for u in learners)
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees the others
    assert mail.outbox[0].subject == f"[{world.course_a.title}] Exam moved"
    assert "Friday, 10:00." in mail.outbox[0].body
    for delivery in announcement.deliveries.all():
        assert delivery.status == "sent" and delivery.attempts == 1
        assert delivery.sent_at is not None and delivery.last_error == ""


def test_only_pending_deliveries_are_sent(world):
    done, failed, waiting = enrolled(world, 3)
    announcement = post(world)
    announcement.deliveries.filter(recipient=done).update(status="sent", attempts=1)
    announcement.deliveries.filter(recipient=failed).update(status="failed", attempts=1)

    result = services.announcement_deliveries_send(announcement_id=announcement.pk)

    assert result.sent == 1
    assert recipients() == [waiting.email]
    assert statuses(announcement) == {
        done.email: "sent",
        failed.email: "failed",
        waiting.email: "sent",
    }
    assert set(announcement.deliveries.values_list("attempts", flat=True)) == {1}


@override_settings(MAILERS=mailer(RefusingBackend))
def test_a_refused_address_is_recorded_and_the_others_are_still_sent(world):
    first = enrolled(world, 1)[0]
    refused = enrolled(world, 1, email=REFUSED)[0]
    last = enrolled(world, 1)[0]
    announcement = post(world)

    result = services.announcement_deliveries_send(announcement_id=announcement.pk)

    assert (result.sent, result.failed) == (2, 1)
    assert recipients() == sorted([first.email, last.email])
    failure = announcement.deliveries.get(recipient=refused)
    assert failure.status == "failed" and failure.attempts == 1 and failure.sent_at is None
    assert failure.last_error.startswith("SMTPRecipientsRefused")
    assert "No such user" in failure.last_error
    # A failed row is not retried by the next run: it waits for someone to look at it.
    again = services.announcement_deliveries_send(announcement_id=announcement.pk)
    assert (again.sent, again.failed) == (0, 0)
    assert announcement.deliveries.get(recipient=refused).attempts == 1


def test_a_second_run_sends_nothing(world):
    enrolled(world, 2)
    announcement = post(world)
    assert services.announcement_deliveries_send(announcement_id=announcement.pk).sent == 2

    again = services.announcement_deliveries_send(announcement_id=announcement.pk)

    assert (again.sent, again.failed, again.unfinished) == (0, 0, False)
    assert len(mail.outbox) == 2
    assert set(announcement.deliveries.values_list("attempts", flat=True)) == {1}


def test_recipients_are_those_enrolled_when_it_was_posted(world):
    before = enrolled(world, 1)[0]
    announcement = post(world)
    enrolled(world, 1)  # joins the run after the announcement was posted
    old_address = before.email
    before.email = "new.address@example.org"
    before.save()

    services.announcement_deliveries_send(announcement_id=announcement.pk)

    assert recipients() == [old_address]  # the address the row recorded at posting
    assert announcement.deliveries.count() == 1


def test_each_email_is_in_its_recipients_language(world):
    russian = enrolled(world, 1, preferred_language="ru")[0]
    unset = enrolled(world, 1, preferred_language="")[0]
    announcement = post(world)

    services.announcement_deliveries_send(announcement_id=announcement.pk)

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "Вы получили это письмо, так как записаны на курс" in bodies[russian.email]
    assert "You receive this because you are enrolled in" in bodies[unset.email]


def test_a_deleted_announcement_sends_nothing(world):
    enrolled(world, 1)
    announcement = post(world)
    announcement.delete()
    assert services.announcement_deliveries_send(announcement_id=announcement.pk).sent == 0
    assert not AnnouncementDelivery.objects.exists()
    assert mail.outbox == []


def test_a_run_out_of_time_stops_after_one_delivery_and_says_so(world):
    enrolled(world, 3)
    announcement = post(world)

    runs = [
        services.announcement_deliveries_send(announcement_id=announcement.pk, time_budget=0)
        for _ in range(3)
    ]

    assert [(run.sent, run.unfinished) for run in runs] == [(1, True), (1, True), (1, False)]
    assert len(mail.outbox) == 3


def test_the_task_hands_what_is_left_to_a_fresh_run(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    learners = enrolled(world, 3)
    monkeypatch.setattr(tasks, "SEND_TIME_BUDGET", 0)  # one delivery per run

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        announcement = post(world)

    assert len(callbacks) == 3  # the posting's enqueue, then one continuation per leftover
    assert recipients() == sorted(u.email for u in learners)
    assert set(statuses(announcement).values()) == {"sent"}
    assert not OutboxMessage.objects.exists()  # no broker here: runs eagerly, no rows


def test_running_the_task_again_sends_nothing(world, django_capture_on_commit_callbacks):
    enrolled(world, 2)
    with django_capture_on_commit_callbacks(execute=True):
        announcement = post(world)
    assert len(mail.outbox) == 2

    assert tasks.announcement_email_send.apply(args=[announcement.pk]).get() == 0
    assert len(mail.outbox) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(MAILERS=mailer(SlowBackend))
def test_concurrent_senders_never_send_a_delivery_twice(world, monkeypatch):
    learners = enrolled(world, 12)
    # Committed for real here, so the eager task would send at once: the threads send instead.
    monkeypatch.setattr(services, "enqueue", lambda *args, **kwargs: None)
    announcement = post(world)
    assert announcement.deliveries.filter(status="pending").count() == 12
    results, errors = [], []

    def run():
        try:
            results.append(services.announcement_deliveries_send(announcement_id=announcement.pk))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(result.sent for result in results) == 12
    assert recipients() == sorted(u.email for u in learners)
    assert set(announcement.deliveries.values_list("attempts", flat=True)) == {1}
    # Each sender took a share: the rows were claimed, not queued behind one lock.
    assert sum(1 for result in results if result.sent) > 1
