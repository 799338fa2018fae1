"""The registrar's retention page (ADR 0060): who may open it, what it says is in force, and
how it answers to bad and hostile input (a form error, never a 500)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory, make_member
from xapi.models import Statement, StatementRetention
from xapi.services import (
    learner_agent,
    platform_authority,
    statement_retention_set,
    statement_store,
    university_retention_enforce,
)

from .conftest import make_statement

URL = "/xapi/retention/uni-a/"


def _browser(user=None) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


@pytest.fixture
def registrar_a(university_a):
    return make_member("registrar", university_a)


@pytest.mark.parametrize(
    "who,status",
    [
        ("registrar_a", 200),
        ("registrar_b", 403),
        ("learner_a", 403),
        ("instructor_a", 403),
        ("staff", 200),
    ],
)
def test_who_may_open_the_page(university_a, university_b, who, status):
    users = {
        "registrar_a": lambda: make_member("registrar", university_a),
        "registrar_b": lambda: make_member("registrar", university_b),
        "learner_a": lambda: make_member("learner", university_a),
        "instructor_a": lambda: make_member("instructor", university_a),
        "staff": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    browser = _browser(users[who]())
    assert browser.get(URL).status_code == status
    response = browser.post(URL, {"keep": "days", "days": "30"})
    assert response.status_code == (302 if status == 200 else status)
    assert StatementRetention.objects.filter(days=30).exists() == (status == 200)


def test_anonymous_visitors_are_sent_to_log_in(university_a):
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post(URL, {"keep": "days", "days": "30"}).status_code == 302
    assert not StatementRetention.objects.exists()


def test_an_unknown_university_is_not_found(registrar_a):
    assert _browser(registrar_a).get("/xapi/retention/no-such/").status_code == 404


def test_registrar_sets_a_period_and_then_keeps_forever(university_a, registrar_a):
    browser = _browser(registrar_a)
    response = browser.post(URL, {"keep": "days", "days": "400"}, follow=True)
    assert StatementRetention.objects.get(university=university_a).days == 400
    page = response.content.decode()
    assert 'data-effective-days="400"' in page and 'data-university-days="400"' in page
    browser.post(URL, {"keep": "forever", "days": "400"})
    assert not StatementRetention.objects.exists()
    assert 'data-effective-days=""' in browser.get(URL).content.decode()


@pytest.mark.parametrize(
    "platform,own,effective", [(0, 90, 90), (30, 90, 30), (365, 90, 90), (45, None, 45)]
)
def test_the_shorter_of_the_platforms_and_the_universitys_period_is_shown_in_force(
    settings, university_a, registrar_a, platform, own, effective
):
    settings.ILM_XAPI_STATEMENT_RETENTION_DAYS = platform
    statement_retention_set(university=university_a, days=own)
    page = _browser(registrar_a).get(URL).content.decode()
    assert f'data-effective-days="{effective}"' in page
    assert f'data-platform-days="{platform or ""}"' in page
    assert "every six hours" in page.lower()
    assert "forwarded" in page  # pending deliveries are kept until sent


@pytest.mark.parametrize(
    "days",
    [
        "",
        "abc",
        "0",
        "-5",
        "36501",
        "1" * 23,
        "9" * 5000,  # past Python's limit for converting digits to an integer
        "1e3",
        "3\x000",
        "٣" * 23,  # Arabic-Indic digits: a huge number in another script
        "30 days",
        "<script>alert(1)</script>",
    ],
)
def test_bad_and_hostile_periods_get_a_form_error(university_a, registrar_a, days):
    statement_retention_set(university=university_a, days=200)
    response = _browser(registrar_a).post(URL, {"keep": "days", "days": days})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and "<script>alert(1)" not in page
    assert StatementRetention.objects.get(university=university_a).days == 200


@pytest.mark.parametrize("keep", ["", "sometimes", "forever\x00"])
def test_an_unknown_choice_gets_a_form_error(university_a, registrar_a, keep):
    response = _browser(registrar_a).post(URL, {"keep": keep, "days": "10"})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not StatementRetention.objects.exists()


def test_the_period_set_on_the_page_is_what_retention_enforces(
    university_a, registrar_a, learner_a
):
    _browser(registrar_a).post(URL, {"keep": "days", "days": "30"})
    old, new = (
        statement_store(
            make_statement(actor=learner_agent(learner_a)),
            authority=platform_authority(),
            university_id=university_a.pk,
        )
        for _ in range(2)
    )
    Statement.objects.filter(statement_id=old).update(stored=timezone.now() - dt.timedelta(days=31))
    assert university_retention_enforce() == 1
    assert [str(kept) for kept in Statement.objects.values_list("statement_id", flat=True)] == [new]


def test_the_lrs_pages_link_to_each_other(registrar_a):
    browser = _browser(registrar_a)
    for url in ("/xapi/clients/uni-a/", "/xapi/forwarding/uni-a/", URL):
        page = browser.get(url).content.decode()
        assert 'href="/xapi/retention/uni-a/"' in page
        assert 'href="/xapi/forwarding/uni-a/"' in page
        assert 'aria-current="page"' in page
