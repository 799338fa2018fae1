"""Single use under real concurrency (PostgreSQL row locks): one code buys one token, one
token fetches one credential, however many wallets race."""

import threading

import pytest
from django.db import connection

from wallets import services
from wallets.models import AccessToken, WalletDelivery
from wallets.services import WalletError

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(action, count=4):
    wins, refusals = [], []

    def run():
        try:
            wins.append(action())
        except WalletError as error:
            refusals.append(error.error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return wins, refusals


def test_one_code_buys_one_token_and_one_token_one_credential(learner, issued):
    made = services.wallet_offer_create(credential=issued, learner=learner)
    wins, refusals = _race(
        lambda: services.access_token_issue(pre_authorized_code=made.pre_authorized_code)
    )
    assert len(wins) == 1 and set(refusals) == {"invalid_grant"}
    # The losers presented a code already redeemed: the winner's token is revoked too.
    assert AccessToken.objects.get().revoked_at is not None

    fresh = services.wallet_offer_create(credential=issued, learner=learner)
    bearer = services.access_token_issue(pre_authorized_code=fresh.pre_authorized_code)
    token = services.access_token_check(bearer.access_token)
    wins, refusals = _race(
        lambda: services.credential_deliver(
            access_token=token, configuration_id="OpenBadgeCredential", key_proof=None
        )
    )
    assert len(wins) == 1 and set(refusals) == {"invalid_token"}
    assert WalletDelivery.objects.count() == 1
