"""The few seconds' memo of a verified LRS client (ADR 0060): in the process that deactivates a
client it is refused at once; a deactivation this process did not see (another process's)
takes effect when the memoised row expires, and a wrong secret never rides on the memo."""

import base64

import pytest

from xapi import access
from xapi.models import LRSClient
from xapi.services import lrs_client_deactivate

from .conftest import LRS


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(access.time, "monotonic", clock)
    return clock


@pytest.mark.django_db
def test_deactivating_through_the_service_refuses_at_once(lrs_a, clock):
    assert lrs_a.get("statements").status_code == 200
    lrs_client_deactivate(client=lrs_a.credentials.client)
    assert lrs_a.get("statements").status_code == 401


@pytest.mark.django_db
def test_a_deactivation_in_another_process_takes_effect_when_the_row_expires(lrs_a, clock):
    assert lrs_a.get("statements").status_code == 200
    # Another process's deactivation: a write this process's receivers never hear of.
    LRSClient.objects.filter(pk=lrs_a.credentials.client.pk).update(is_active=False)
    assert lrs_a.get("statements").status_code == 200  # the documented trade-off
    clock.now += access._CLIENT_ROW_TTL_SECONDS + 0.1
    assert lrs_a.get("statements").status_code == 401


@pytest.mark.django_db
def test_the_row_is_read_again_after_its_lifetime_without_hashing_again(lrs_a, clock, monkeypatch):
    assert lrs_a.get("statements").status_code == 200
    hashed = []
    monkeypatch.setattr(access, "check_password", lambda *args: hashed.append(args) or True)
    clock.now += access._CLIENT_ROW_TTL_SECONDS + 0.1
    assert lrs_a.get("statements").status_code == 200
    assert hashed == []  # the secret's own memo lasts longer than the row's


@pytest.mark.django_db
def test_a_wrong_secret_is_refused_while_the_right_one_is_memoised(lrs_a, clock):
    assert lrs_a.get("statements").status_code == 200
    wrong = LRS(lrs_a.credentials.key, "not-the-secret")
    assert wrong.get("statements").status_code == 401
    token = base64.b64encode(f"{lrs_a.credentials.key}:".encode()).decode()
    empty = lrs_a.client.get(
        "/xapi/statements",
        HTTP_AUTHORIZATION=f"Basic {token}",
        **{"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"},
    )
    assert empty.status_code == 401
    assert lrs_a.get("statements").status_code == 200
