"""An external LRS on a private or loopback address is refused, when configured and before
each send, so a registrar cannot point the worker at the deployment's own network."""

import pytest
from django.core.exceptions import ValidationError

from xapi import forwarding
from xapi.forwarding_hosts import endpoint_refusal
from xapi.models import ExternalLRS, ForwardedStatement
from xapi.services import learner_agent, platform_authority, statement_store
from xapi.services.forwarding import external_lrs_create

from .conftest import make_statement


def make_statement_stored(learner, university):
    statement = make_statement(actor=learner_agent(learner))
    return statement_store(statement, authority=platform_authority(), university_id=university.pk)


@pytest.fixture
def private_hosts_refused(settings):
    settings.ILM_XAPI_FORWARD_ALLOW_PRIVATE_HOSTS = False


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/xapi",
        "http://localhost/xapi",
        "https://10.0.0.5/xapi",
        "http://192.168.1.10/xapi",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/xapi",
        "http://0.0.0.0/xapi",
    ],
)
def test_private_loopback_and_link_local_endpoints_are_refused(private_hosts_refused, url):
    assert endpoint_refusal(url)


def test_a_public_address_is_accepted(private_hosts_refused):
    assert endpoint_refusal("https://8.8.8.8/xapi") is None


def test_a_name_that_does_not_resolve_is_refused(private_hosts_refused):
    assert "could not be found" in endpoint_refusal("https://no-such-host.invalid/xapi")


def test_configuring_a_private_endpoint_writes_nothing(university_a, private_hosts_refused):
    university = university_a
    with pytest.raises(ValidationError) as raised:
        external_lrs_create(
            university=university,
            name="Campus LRS",
            endpoint="http://127.0.0.1:9/xapi",
            key="k",
            secret="s",
        )
    assert "endpoint" in raised.value.message_dict
    assert not ExternalLRS.objects.exists()


def test_an_endpoint_that_turned_private_is_not_sent_to(university_a, learner_a, settings):
    lrs = external_lrs_create(
        university=university_a, name="Campus LRS", endpoint="http://127.0.0.1:9/xapi",
        key="k", secret="s",
    )  # fmt: skip
    make_statement_stored(learner_a, university_a)
    settings.ILM_XAPI_FORWARD_ALLOW_PRIVATE_HOSTS = False

    assert forwarding.forwards_deliver(lrs_id=lrs.pk) == 0

    row = ForwardedStatement.objects.get()
    assert row.status == "failing" and "private or local" in row.last_error
