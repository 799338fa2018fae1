"""API tokens and LRS credentials die with their creator's role, and tokens expire."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone, translation

from audit.models import AuditEvent
from reports import services
from reports.models import ApiToken
from tests import factories as f
from universities.models import Membership, Role
from xapi.models import LRSClient
from xapi.services import lrs_client_create
from xapi.tests.conftest import LRS

ENROLLMENTS = "/api/v1/enrollments"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def registrar(world):
    return world.registrar_a


@pytest.fixture
def token(world, registrar):
    token, raw = services.api_token_create(university=world.a, name="SIS", created_by=registrar)
    return token, raw


def registrar_membership(world, registrar):
    return Membership.objects.get(user=registrar, university=world.a, role=Role.REGISTRAR)


def assert_cut(client, token, raw):
    assert client.get(ENROLLMENTS, **bearer(raw)).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_reason == "role_lost"


def test_a_token_works_while_its_creator_is_a_registrar(client, token):
    _token, raw = token
    assert client.get(ENROLLMENTS, **bearer(raw)).status_code == 200


def test_removing_the_membership_cuts_the_token_at_once(client, world, registrar, token):
    registrar_membership(world, registrar).delete()
    token_row, raw = token
    token_row.refresh_from_db()
    assert token_row.revoked_reason == "role_lost"  # cut by the receiver, before any use
    assert_cut(client, token_row, raw)
    assert AuditEvent.objects.filter(action="api_token.revoked", target_id=str(token_row.pk))


def test_a_role_changed_to_learner_cuts_the_token(client, world, registrar, token):
    membership = registrar_membership(world, registrar)
    membership.role = Role.LEARNER
    membership.save()
    assert_cut(client, *token)


def test_deactivating_the_account_cuts_the_token(client, registrar, token):
    registrar.is_active = False
    registrar.save()
    assert_cut(client, *token)


def test_deleting_the_account_cuts_the_token_and_keeps_its_row(client, registrar, token):
    token_row, raw = token
    registrar.delete()
    token_row.refresh_from_db()
    assert token_row.created_by is None
    assert token_row.revoked_reason == "role_lost"
    assert client.get(ENROLLMENTS, **bearer(raw)).status_code == 401


def test_a_role_lost_behind_the_receivers_back_is_caught_at_first_use(
    client, world, registrar, token
):
    # A bulk update sends no signals: the check on use still refuses and revokes.
    Membership.objects.filter(pk=registrar_membership(world, registrar).pk).update(
        role=Role.LEARNER
    )
    get_user_model().objects.filter(pk=registrar.pk).update(is_active=True)
    token_row, raw = token
    token_row.refresh_from_db()
    assert token_row.revoked_at is None
    assert_cut(client, token_row, raw)


def test_an_expired_token_is_refused(client, token):
    token_row, raw = token
    ApiToken.objects.filter(pk=token_row.pk).update(expires_at=timezone.now() - timedelta(1))
    assert client.get(ENROLLMENTS, **bearer(raw)).status_code == 401
    token_row.refresh_from_db()
    assert token_row.is_active is False and token_row.is_expired is True


@override_settings(ILM_API_TOKEN_DEFAULT_DAYS=30, ILM_API_TOKEN_MAX_DAYS=60)
def test_lifetimes_default_and_cap_per_deployment(world, registrar):
    default, _raw = services.api_token_create(university=world.a, name="D", created_by=registrar)
    assert timedelta(days=29) < default.expires_at - timezone.now() <= timedelta(days=30)
    longest, _raw = services.api_token_create(
        university=world.a, name="L", created_by=registrar, lifetime_days="60"
    )
    assert timedelta(days=59) < longest.expires_at - timezone.now() <= timedelta(days=60)
    for bad in ("61", "0", "-3", "ten", "1e9"):
        with pytest.raises(services.ReportError) as refused:
            services.api_token_create(
                university=world.a, name="X", created_by=registrar, lifetime_days=bad
            )
        assert refused.value.code == "bad_lifetime"
    with translation.override("ru"), pytest.raises(services.ReportError) as refused:
        services.api_token_create(
            university=world.a, name="X", created_by=registrar, lifetime_days="61"
        )
    assert "60" in refused.value.message and "дней" in refused.value.message


def test_only_a_registrar_of_the_university_creates_tokens(world):
    for person in (f.make_member("instructor", world.a), f.make_member("registrar", world.b)):
        with pytest.raises(services.ReportError) as refused:
            services.api_token_create(university=world.a, name="X", created_by=person)
        assert refused.value.code == "no_role"
    assert not ApiToken.objects.filter(name="X").exists()


def test_the_token_page_keeps_what_was_typed_and_shows_expiry(client, world, registrar):
    client.force_login(registrar)
    page = client.post(
        "/en/reports/tokens/",
        {"university": world.a.pk, "name": "Nightly SIS", "lifetime_days": "100000"},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert 'value="Nightly SIS"' in html and 'value="100000"' in html
    assert "Choose a lifetime between 1 and" in html
    page = client.post(
        "/en/reports/tokens/", {"university": world.a.pk, "name": "Nightly", "lifetime_days": "7"}
    )
    assert page.status_code == 200
    expected = (timezone.now() + timedelta(days=7)).strftime("%Y-%m-%d")
    assert expected in page.content.decode()


# --- LRS credentials ------------------------------------------------------------------------


@pytest.fixture
def registrar_client(world, registrar):
    credentials = lrs_client_create(university=world.a, name="Tool", created_by=registrar)
    return credentials, LRS(credentials.key, credentials.secret)


def test_lrs_credentials_die_with_the_registrars_membership(world, registrar, registrar_client):
    credentials, lrs = registrar_client
    assert lrs.get("about").status_code == 200
    assert lrs.get("activities/state", {"activityId": "x"}).status_code != 401
    registrar_membership(world, registrar).delete()
    assert LRSClient.objects.get(pk=credentials.client.pk).is_active is False
    assert lrs.get("activities/state", {"activityId": "x"}).status_code == 401


def test_lrs_credentials_refused_when_the_role_went_unseen(world, registrar, registrar_client):
    credentials, lrs = registrar_client
    get_user_model().objects.filter(pk=registrar.pk).update(is_active=False)
    assert lrs.get("activities/state", {"activityId": "x"}).status_code == 401
    assert LRSClient.objects.get(pk=credentials.client.pk).is_active is False


def test_deleting_the_registrar_deactivates_their_lrs_credentials(registrar, registrar_client):
    credentials, _lrs = registrar_client
    registrar.delete()
    client = LRSClient.objects.get(pk=credentials.client.pk)
    assert client.created_by is None and client.is_active is False


def test_operator_made_lrs_credentials_are_not_bound_to_a_person(world, registrar):
    credentials = lrs_client_create(university=world.a, name="Operator tool")
    registrar_membership(world, registrar).delete()
    assert LRSClient.objects.get(pk=credentials.client.pk).is_active is True
