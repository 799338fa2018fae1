"""The reader's language is chosen once: negotiated, remembered, stored, written in (ADR 0033)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import mail
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowTask,
)
from wagtail.users.models import UserProfile

from accounts.languages import language_served, recipient_language
from accounts.models import User
from accounts.services import user_language_set
from tests.factories import PASSWORD, UserFactory

COOKIE = settings.LANGUAGE_COOKIE_NAME
OTHERS = ["ru", "tg", "kk", "uz", "ky", "zh-hans"]


def person(**fields):
    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("kk,ru;q=0.8", "/kk/"),
        ("ru-RU,ru;q=0.9,en;q=0.5", "/ru/"),
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("uz-Latn-UZ", "/uz/"),
        ("de-DE,fr;q=0.7", "/en/"),  # none of ours: the site's language
        ("", "/en/"),
    ],
)
@pytest.mark.django_db
def test_a_first_visit_to_the_root_is_sent_to_the_best_of_the_seven(client, header, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
def test_visiting_a_prefix_is_remembered_in_the_cookie_and_wins_over_the_header(client):
    response = client.get("/tg/catalogue/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert response.cookies[COOKIE].value == "tg"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru")["Location"] == "/tg/"
    # Already remembered: no second Set-Cookie.
    assert COOKIE not in client.get("/tg/catalogue/").cookies


@pytest.mark.parametrize("cookie", ["xx", "de", "tlh", "ru'; DROP", "é" * 30, ""])
@pytest.mark.django_db
def test_a_cookie_naming_no_language_of_ours_is_ignored(cookie, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ky", HTTP_COOKIE=f"{COOKIE}={cookie}")
    assert response["Location"] == "/ky/"


@pytest.mark.django_db
def test_an_unknown_language_prefix_answers_the_404_page_in_the_readers_language(client):
    response = client.get("/de/catalogue/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'lang="ru"' in html
    assert re.search("[а-яА-Я]{4}", html)


@pytest.mark.django_db
def test_a_signed_in_person_switching_language_has_it_stored_on_the_account(client):
    user = person(preferred_language="ru")
    client.force_login(user)
    client.cookies[COOKIE] = "ru"
    assert client.get("/ru/catalogue/").status_code == 200
    user.refresh_from_db()
    assert user.preferred_language == "ru"

    client.get("/kk/catalogue/")  # the switcher's link to the Kazakh page

    user.refresh_from_db()
    assert user.preferred_language == "kk"
    assert UserProfile.get_for_user(user).preferred_language == "kk"  # Wagtail's notices too


@pytest.mark.django_db
def test_a_browser_without_the_cookie_does_not_overwrite_the_stored_language(client):
    user = person(preferred_language="kk")
    client.force_login(user)  # a session that outlived its language cookie, say
    response = client.get("/en/catalogue/")
    assert response.cookies[COOKIE].value == "en"
    user.refresh_from_db()
    assert user.preferred_language == "kk"


@pytest.mark.django_db
def test_djangos_set_language_view_stores_the_choice_of_a_signed_in_person(client):
    user = person(preferred_language="ru")
    client.force_login(user)
    client.cookies[COOKIE] = "ru"  # the page the form is on was read in Russian
    response = client.post("/i18n/setlang/", {"language": "uz", "next": "/ru/catalogue/"})
    assert response.status_code == 302
    assert response["Location"] == "/uz/catalogue/"
    user.refresh_from_db()
    assert user.preferred_language == "uz"


@pytest.mark.django_db
def test_after_login_a_person_lands_in_their_stored_language(client):
    user = person(preferred_language="ky")
    response = client.post(
        "/en/accounts/login/?next=/en/learn/", {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ky/learn/"
    assert response.cookies[COOKIE].value == "ky"
    assert client.get("/")["Location"] == "/ky/"


@pytest.mark.django_db
def test_a_login_without_a_stored_language_stores_the_one_read(client):
    user = person(preferred_language="")
    response = client.post("/zh-hans/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/zh-hans/")
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"


@pytest.mark.django_db
def test_signing_up_stores_the_language_and_verifies_the_address_in_it(client):
    response = client.post(
        "/kk/accounts/signup/",
        {
            "email": "aigerim@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "Aigerim Nurlanqyzy",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="aigerim@example.org").preferred_language == "kk"
    [message] = mail.outbox
    assert "/kk/accounts/confirm-email/" in message.body
    assert "Please Confirm Your Email Address" not in message.subject
    assert re.search("[әғқңөұүһі]", message.subject + message.body)


@pytest.mark.django_db
def test_a_password_reset_asked_in_english_is_written_in_the_stored_language(client):
    user = person(preferred_language="ru")
    response = client.post("/en/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert "/ru/accounts/password/reset/key/" in message.body
    assert "Password Reset" not in message.subject
    assert re.search("[а-яА-Я]{4}", message.subject)


def test_a_stored_code_is_used_only_when_it_is_one_of_ours():
    assert language_served("zh-Hans") == "zh-hans"
    assert language_served("RU") == "ru"
    for bad in ("xx", "", None, 7, "ru" * 20, "zh-hant"):
        assert language_served(bad) is None
    assert recipient_language(UserFactory.build(preferred_language="xx")) == "en"
    assert recipient_language(UserFactory.build(preferred_language="tg")) == "tg"


@pytest.mark.django_db
def test_the_service_refuses_an_unknown_code_and_mirrors_a_known_one():
    user = UserFactory(preferred_language="ru")
    assert user_language_set(user=user, language="klingon") is False
    assert user_language_set(user=user, language="ru") is False
    assert user_language_set(user=user, language="tg") is True
    user.refresh_from_db()
    assert user.preferred_language == "tg"
    assert UserProfile.get_for_user(user).preferred_language == "tg"


@pytest.mark.django_db
def test_choosing_a_language_on_wagtails_account_page_reaches_the_account():
    user = UserFactory(preferred_language="ru")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ky"
    profile.save()
    user.refresh_from_db()
    assert user.preferred_language == "ky"


@pytest.mark.parametrize(
    ("language", "words"),
    [("tg", "барои тасдиқ"), ("ru", "на модерацию"), ("ky", "бекитүүгө"), ("en", "approval")],
)
@pytest.mark.django_db
def test_a_moderation_notice_is_written_in_the_reviewers_language(
    language, words, django_capture_on_commit_callbacks
):
    reviewers = Group.objects.create(name="Reviewers")
    reviewer = person(preferred_language=language)
    reviewer.groups.add(reviewers)
    home = Page.objects.get(depth=2).specific
    GroupPagePermission.objects.create(
        group=reviewers, page=home, permission=Permission.objects.get(codename="publish_page")
    )
    task = GroupApprovalTask.objects.create(name="Check")
    task.groups.add(reviewers)
    workflow = Workflow.objects.create(name="Review")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    author = person(preferred_language="en")

    home.save_revision(user=author)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.start(home, author)

    [notice] = [m for m in mail.outbox if m.to == [reviewer.email]]
    assert words in notice.subject + notice.body
