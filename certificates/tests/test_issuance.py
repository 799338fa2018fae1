"""Issuance that always happens once: a failure never fails the learner, is recorded, retried
with backoff and swept; success removes the record; one credential per learner and course."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core.management import call_command
from django.utils import timezone

from certificates import issuance
from certificates.models import Credential, IssuanceFailure
from certificates.tasks import issue_course_certificate
from learning.models import Enrollment
from tests.factories import UniversityFactory, make_member

from .conftest import complete_course


@pytest.fixture
def broken_signing(settings, tmp_path):
    """Signing fails the way a deployment with a lost key file fails."""
    settings.ILM_KEY_ENCRYPTION_KEY = ""
    settings.ILM_KEY_ENCRYPTION_KEY_FILE = str(tmp_path / "missing-kek")
    settings.CERTIFICATES_ALLOW_KEK_FALLBACK = False
    return settings


def _repair(settings):
    settings.CERTIFICATES_ALLOW_KEK_FALLBACK = True
    settings.ILM_KEY_ENCRYPTION_KEY_FILE = ""


def _make_due(failure):
    IssuanceFailure.objects.filter(pk=failure.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.fixture
def failed(learner, course, broken_signing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = complete_course(learner, course)
    return enrollment


def test_a_failed_issuance_keeps_the_completion_and_records_why(failed):
    assert failed.status == Enrollment.Status.COMPLETED
    assert not Credential.objects.exists()
    failure = IssuanceFailure.objects.get(enrollment=failed)
    assert failure.attempts == 1
    assert failure.university_id == failed.outline.university_id
    assert "ILM_KEY_ENCRYPTION_KEY_FILE" in failure.last_error
    assert failure.next_attempt_at > timezone.now() + timedelta(seconds=50)


def test_the_sweep_waits_for_the_backoff_then_issues_once(failed, broken_signing):
    _repair(broken_signing)
    assert issuance.missing_credentials_issue() == issuance.SweepResult(issued=0, failed=0)

    _make_due(IssuanceFailure.objects.get(enrollment=failed))
    assert issuance.missing_credentials_issue() == issuance.SweepResult(issued=1, failed=0)
    assert issuance.missing_credentials_issue() == issuance.SweepResult(issued=0, failed=0)

    credential = Credential.objects.get()
    assert credential.enrollment_id == failed.pk
    assert not IssuanceFailure.objects.exists()


def test_a_sweep_that_fails_again_backs_off_further(failed):
    _make_due(IssuanceFailure.objects.get(enrollment=failed))
    assert issuance.missing_credentials_issue() == issuance.SweepResult(issued=0, failed=1)

    failure = IssuanceFailure.objects.get(enrollment=failed)
    assert failure.attempts == 2
    assert failure.next_attempt_at > timezone.now() + timedelta(seconds=110)


def test_on_a_broker_the_task_asks_celery_to_retry_with_backoff(failed):
    # Called directly, the task runs as a worker would (not eager): it must raise Retry.
    with pytest.raises(Retry):
        issue_course_certificate(failed.pk)
    assert IssuanceFailure.objects.get(enrollment=failed).attempts == 2


def test_a_lost_task_is_swept_up(learner, course, django_capture_on_commit_callbacks):
    # The completion commits, but its task never runs (a worker lost it).
    with django_capture_on_commit_callbacks(execute=False):
        enrollment = complete_course(learner, course)
    assert not Credential.objects.exists()

    call_command("issue_missing_credentials")

    assert Credential.objects.get().enrollment_id == enrollment.pk


def test_a_credential_from_an_earlier_run_is_not_issued_twice(issued, learner, course):
    from tests.factories import open_run

    # The learner completes the same course again in a later run: the achievement is held.
    later = Enrollment.objects.create(
        learner=learner,
        run=open_run(course),
        outline=issued.enrollment.outline,
        status=Enrollment.Status.COMPLETED,
        completed_at=timezone.now(),
    )
    assert issuance.missing_credentials_issue() == issuance.SweepResult(issued=0, failed=0)
    assert Credential.objects.filter(learner=learner).count() == 1
    assert not IssuanceFailure.objects.filter(enrollment=later).exists()


def test_retry_delays_double_and_are_capped():
    delays = [issuance.retry_delay_seconds(n) for n in range(1, 12)]
    assert delays[:4] == [60, 120, 240, 480]
    assert max(delays) == issuance.MAX_RETRY_SECONDS == delays[-1]


def test_the_registrar_sees_their_universitys_failures_only(failed, client):
    registrar = make_member("registrar", failed.outline.university, full_name="Registrar A")
    other = make_member("registrar", UniversityFactory(code="other"), full_name="Registrar B")

    client.force_login(registrar)
    page = client.get("/certificates/manage/").content.decode()
    assert "Certificates not issued yet" in page
    assert "Aziza Karimova" in page and "ILM_KEY_ENCRYPTION_KEY_FILE" in page

    client.force_login(other)
    page = client.get("/certificates/manage/").content.decode()
    assert "Certificates not issued yet" not in page
