"""LRS client credentials: the management command and the registrars' page."""

import base64
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404
from django.test import Client

from tests.factories import UserFactory, make_member
from xapi.access import (
    lrs_client_for_registrar,
    lrs_clients_for_registrar,
    university_for_registrar,
)
from xapi.models import LRSClient

from .conftest import VERSION

pytestmark = pytest.mark.django_db


def test_create_lrs_client_prints_key_and_secret_that_work(university_a):
    out = StringIO()
    call_command("create_lrs_client", "--university", "uni-a", "--name", "Analytics", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("key: ") and lines[1].startswith("secret: ")
    key, secret = lines[0][5:], lines[1][8:]
    client = LRSClient.objects.get(key=key)
    assert client.university == university_a
    assert secret not in client.secret_hash
    assert check_password(secret, client.secret_hash)
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    response = Client().get("/xapi/statements", HTTP_AUTHORIZATION=f"Basic {token}", **VERSION)
    assert response.status_code == 200


@pytest.mark.parametrize(("code", "name"), [("nope", "x"), ("uni-a", "  ")])
def test_create_lrs_client_refuses_bad_input(university_a, code, name):
    with pytest.raises(CommandError):
        call_command("create_lrs_client", "--university", code, "--name", name, stdout=StringIO())
    assert LRSClient.objects.count() == 0


def test_registrar_creates_and_deactivates_clients(university_a):
    registrar = make_member("registrar", university_a)
    browser = Client()
    browser.force_login(registrar)
    url = "/xapi/clients/uni-a/"
    assert browser.get(url).status_code == 200
    response = browser.post(url, {"name": "Power BI"})
    assert response.status_code == 200
    client = LRSClient.objects.get()
    assert client.key in response.content.decode()
    assert client.created_by == registrar
    browser.post(url, {"action": "deactivate", "client": client.pk})
    client.refresh_from_db()
    assert not client.is_active


def test_registrar_page_refuses_empty_names(university_a):
    registrar = make_member("registrar", university_a)
    browser = Client()
    browser.force_login(registrar)
    browser.post("/xapi/clients/uni-a/", {"name": ""})
    browser.post("/xapi/clients/uni-a/", {"name": "x" * 201})
    assert LRSClient.objects.count() == 0


def test_only_registrars_of_that_university(university_a, university_b, learner_a):
    other_registrar = make_member("registrar", university_b)
    for user in (learner_a, other_registrar):
        browser = Client()
        browser.force_login(user)
        assert browser.get("/xapi/clients/uni-a/").status_code == 403
        assert browser.post("/xapi/clients/uni-a/", {"name": "sneaky"}).status_code == 403
    assert Client().get("/xapi/clients/uni-a/").status_code == 302
    assert LRSClient.objects.count() == 0


def test_registrar_cannot_deactivate_another_universitys_client(university_a, university_b, lrs_b):
    registrar = make_member("registrar", university_a)
    browser = Client()
    browser.force_login(registrar)
    target = LRSClient.objects.get(university=university_b)
    assert (
        browser.post(
            "/xapi/clients/uni-a/", {"action": "deactivate", "client": target.pk}
        ).status_code
        == 404
    )
    target.refresh_from_db()
    assert target.is_active


def test_registrar_gates(university_a, university_b, lrs_a, lrs_b):
    registrar = make_member("registrar", university_a)
    instructor = make_member("instructor", university_a)
    staff = UserFactory(is_superuser=True)
    client_a, client_b = lrs_a.credentials.client, LRSClient.objects.get(university=university_b)

    assert university_for_registrar(registrar, "uni-a") == university_a
    assert university_for_registrar(staff, "uni-b") == university_b
    with pytest.raises(PermissionDenied):
        university_for_registrar(registrar, "uni-b")
    with pytest.raises(PermissionDenied):
        university_for_registrar(instructor, "uni-a")
    with pytest.raises(Http404):
        university_for_registrar(registrar, "no-such-university")

    assert list(lrs_clients_for_registrar(registrar, university_a)) == [client_a]
    assert not lrs_clients_for_registrar(instructor, university_a).exists()
    assert lrs_client_for_registrar(staff, university_b, client_b.pk) == client_b
    for client_id in (client_b.pk, "not-a-number", None):
        with pytest.raises(Http404):
            lrs_client_for_registrar(registrar, university_a, client_id)


def test_deactivating_with_a_malformed_client_id_is_not_found(university_a, lrs_a):
    registrar = make_member("registrar", university_a)
    browser = Client()
    browser.force_login(registrar)
    response = browser.post("/xapi/clients/uni-a/", {"action": "deactivate", "client": "x"})
    assert response.status_code == 404
    assert LRSClient.objects.get().is_active
