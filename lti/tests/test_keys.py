"""Ilm's tool keys: sealed at rest, published, rotated with a grace period."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from lti import keys
from lti.models import ToolKey

pytestmark = pytest.mark.django_db


def test_the_private_key_is_sealed_and_opens_only_with_its_kid():
    key = keys.tool_key_create()
    assert '"d"' not in key.private_sealed and key.private_sealed.startswith("v1:")
    assert keys.key_open(key.private_sealed, kid=key.kid).has_private
    with pytest.raises(keys.KeySealError):
        keys.key_open(key.private_sealed, kid="another")


def test_rotation_keeps_the_old_key_published_for_the_grace_period(client):
    first = keys.tool_key_create()
    call_command("rotate_lti_key", stdout=open("/dev/null", "w"))  # noqa: SIM115
    second = ToolKey.objects.filter(retired_at__isnull=True).get()
    published = {k["kid"] for k in client.get("/lti/jwks.json").json()["keys"]}
    assert published == {first.kid, second.kid}
    assert all("d" not in k for k in client.get("/lti/jwks.json").json()["keys"])
    later = timezone.now() + keys.GRACE_PERIOD + dt.timedelta(hours=1)
    assert {k["kid"] for k in keys.jwks(now=later)["keys"]} == {second.kid}
    assert keys.tool_keys_prune(now=later) == 1
    assert keys.signing_key().kid == second.kid
