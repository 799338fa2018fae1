"""A learner who sent a credential to a wallet can download that history and erase their
account: the delivery, which protects its token, used to make erasure fail."""

import pytest

from privacy.selectors import learner_data
from privacy.services import account_erase
from tests.factories import make_member
from wallets import services
from wallets.models import AccessToken, CredentialOffer, WalletDelivery

from .conftest import issue_to


def deliver(credential, learner):
    made = services.wallet_offer_create(credential=credential, learner=learner)
    issued = services.access_token_issue(pre_authorized_code=made.pre_authorized_code)
    token = services.access_token_check(issued.access_token)
    services.credential_deliver(
        access_token=token, configuration_id="OpenBadgeCredential", key_proof=None
    )


@pytest.fixture
def delivered(issued, learner):
    deliver(issued, learner)
    return issued


def test_the_download_lists_offers_and_deliveries_of_the_learner_only(
    delivered, learner, university
):
    other = make_member("learner", university, full_name="Other Learner")
    deliver(issue_to(other, university, title="Другой курс"), other)

    data = learner_data(learner)
    assert [row["credential_id"] for row in data["wallet_offers"]] == [delivered.pk]
    [delivery] = data["wallet_deliveries"]
    assert delivery["credential_id"] == delivered.pk
    assert delivery["configuration_id"] == "OpenBadgeCredential"
    assert learner_data(other)["wallet_deliveries"][0]["credential_id"] != delivered.pk


def test_erasing_the_account_removes_its_wallet_history_and_keeps_the_credential(
    delivered, learner, university
):
    other = make_member("learner", university, full_name="Other Learner")
    deliver(issue_to(other, university, title="Другой курс"), other)

    outcome = account_erase(user=learner)

    assert outcome is not None and outcome.credentials == 1
    assert not CredentialOffer.objects.filter(credential=delivered).exists()
    assert not WalletDelivery.objects.filter(credential=delivered).exists()
    delivered.refresh_from_db()
    assert delivered.signed_json
    # The other learner's history is untouched.
    assert WalletDelivery.objects.filter(access_token__offer__learner=other).count() == 1
    assert AccessToken.objects.filter(offer__learner=other).count() == 1
