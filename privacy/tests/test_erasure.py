"""A learner erases their account: their data goes, reports keep anonymous counts, their
credentials still verify, and the audit log says it happened without saying who."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from certificates.models import Credential
from certificates.verification import Verdict
from h5p.models import H5PAttempt, H5PUserData
from learning.models import Enrollment, LessonProgress, QuizAttempt
from privacy.services import ErasureRefused, account_erase
from reports.access import report_scope_for_staff
from reports.filters import ReportFilters
from reports.models import ErasedEnrollment
from reports.selectors import course_summary
from tests import factories as f
from universities.models import Membership
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def erase_through_the_page(client, user, password=f.PASSWORD):
    client.force_login(user)
    return client.post(reverse("privacy:erase"), {"password": password, "confirm": "on"})


def totals(scope):
    return {
        row["course"]: (row["enrolled"], row["completed"])
        for row in course_summary(scope, ReportFilters())
    }


def test_a_wrong_password_erases_nothing(client, learner):
    response = erase_through_the_page(client, learner.user, password="not-it")
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=learner.user.pk).exists()


def test_erasure_removes_the_person_and_keeps_what_must_stay(client, learner, other, university):
    user = learner.user
    email, pk = user.email, user.pk
    registrar = f.make_member("registrar", university)
    scope = report_scope_for_staff(registrar)
    before = totals(scope)
    # An editor once revoked and restored their credential: the event names them.
    audit_record(
        actor=registrar,
        action="credential.revoked",
        university=university,
        target=learner.credential,
        summary=f"{learner.credential.recipient_name} · {learner.credential.achievement_name}",
        details={"reason": "typo", "user_id": pk},
    )
    # And they once did something the log records.
    audit_record(actor=user, action="credential.shared", summary=f"{email} shared a credential")
    credentials = set(Credential.objects.filter(learner=user).values_list("pk", flat=True))

    response = erase_through_the_page(client, user)

    assert response.status_code == 200
    assert "Your account was erased" in response.content.decode()
    assert not get_user_model().objects.filter(pk=pk).exists()
    assert client.get(reverse("privacy:my_data")).status_code == 302  # logged out
    # Their records are gone; the other learner's are not.
    assert not Enrollment.objects.filter(learner_id=pk).exists()
    assert not Membership.objects.filter(user_id=pk).exists()
    assert not LessonProgress.objects.filter(enrollment__learner_id=pk).exists()
    assert not QuizAttempt.objects.filter(enrollment=learner.quiz_enrollment.pk).exists()
    assert not H5PAttempt.objects.filter(enrollment=learner.h5p.enrollment.pk).exists()
    assert not H5PUserData.objects.filter(user_id=pk).exists()
    gone = [learner.h5p_statement_id, learner.outside_statement_id]
    assert not Statement.objects.filter(statement_id__in=gone).exists()
    assert Statement.objects.filter(statement_id__in=other.statement_ids).count() == 2
    # Reports: totals hold through anonymous traces.
    assert ErasedEnrollment.objects.count() == 3
    assert totals(scope) == before
    # Credentials stay, without an account, and verify with the notice.
    assert (
        set(
            Credential.objects.filter(pk__in=credentials, learner=None).values_list("pk", flat=True)
        )
        == credentials
    )
    page = client.get(f"/verify/{learner.credential.pk}/")
    assert page.context["result"].verdict == Verdict.VALID
    assert "record was erased" in page.content.decode()
    # The audit log: one event says it happened; no event names them any more.
    erased = AuditEvent.objects.get(action="account.erased")
    assert erased.actor is None and erased.details["credentials_kept"] == 2
    assert erased.details["enrollments"] == 3 and erased.details["statements"] == 2
    everything = json.dumps(
        list(AuditEvent.objects.values("actor_email", "summary", "details", "target_id")),
        default=str,
    )
    assert email not in everything and learner.credential.recipient_name not in everything
    assert not AuditEvent.objects.filter(details__user_id=pk).exists()
    revoked = AuditEvent.objects.get(action="credential.revoked")
    assert revoked.details == {"reason": "typo"} and revoked.actor_email == registrar.email


def test_erasing_twice_changes_nothing_the_second_time(learner):
    first = account_erase(user=learner.user)
    assert first is not None and first.enrollments == 3
    assert account_erase(user=learner.user) is None
    assert AuditEvent.objects.filter(action="account.erased").count() == 1
    assert ErasedEnrollment.objects.count() == 3


@pytest.mark.parametrize("role", ["instructor", "editor", "registrar"])
def test_staff_cannot_erase_themselves(client, university, role):
    person = f.make_member(role, university)
    client.force_login(person)
    page = client.get(reverse("privacy:erase"))
    assert page.status_code == 200 and "holds a staff role" in page.content.decode()
    # No erasure form to fill in (the footer's data-saver switch is a form on every page).
    assert 'type="password"' not in page.content.decode()

    response = erase_through_the_page(client, person)
    assert response.status_code == 403
    assert User.objects.filter(pk=person.pk).exists()
    with pytest.raises(ErasureRefused):
        account_erase(user=person)
    assert not AuditEvent.objects.filter(action="account.erased").exists()


def test_platform_staff_cannot_erase_themselves(client):
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    assert erase_through_the_page(client, admin).status_code == 403
    assert User.objects.filter(pk=admin.pk).exists()


def test_an_account_without_a_password_is_asked_to_set_one(client, university):
    person = f.make_member("learner", university)
    person.set_unusable_password()
    person.save()
    client.force_login(person)
    page = client.get(reverse("privacy:erase")).content.decode()
    assert reverse("account_set_password") in page
    response = client.post(reverse("privacy:erase"), {"password": "", "confirm": "on"})
    assert response.status_code == 200
    assert User.objects.filter(pk=person.pk).exists()


def test_erasure_asks_for_the_confirmation_box(client, university):
    person = f.make_member("learner", university)
    client.force_login(person)
    client.post(reverse("privacy:erase"), {"password": f.PASSWORD})
    assert User.objects.filter(pk=person.pk).exists()


def test_the_page_is_translated(client, university):
    person = f.make_member("learner", university)
    client.force_login(person)
    page = client.get("/ru/accounts/data/erase/").content.decode()
    assert "Erase your account" not in page


def test_hostile_posts_get_the_form_back_never_an_error(client, university):
    person = f.make_member("learner", university)
    client.force_login(person)
    for data in ({}, {"password": ["a", "b"], "confirm": "x" * 10_000}, {"password": "\x00"}):
        response = client.post(reverse("privacy:erase"), data)
        assert response.status_code == 200
    assert User.objects.filter(pk=person.pk).exists()
    client.logout()
    response = client.post(reverse("privacy:erase"), {"password": f.PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
