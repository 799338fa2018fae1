import re

import pytest
from django.test import Client

from certificates import services as certificate_services
from certificates.tests.conftest import complete_course, node_verifier  # noqa: F401
from tests.factories import UniversityFactory, build_course, make_member

from .wallet_client import Wallet, WalletKey

OFFER_LINK = re.compile(r'href="(openid-credential-offer://[^"]+)"')


@pytest.fixture
def university(db):
    return UniversityFactory(code="tnu", name="Tajik National University", country="TJ")


def issue_to(learner, university, title="Машинное обучение"):
    course = build_course(
        university,
        title=title,
        language="ru",
        quiz_in_last_lesson=False,
        modules=1,
        lessons_per_module=1,
    )
    enrollment = complete_course(learner, course)
    return certificate_services.certificate_issue(enrollment_id=enrollment.pk)


@pytest.fixture
def learner(university):
    return make_member("learner", university, full_name="Aziza Karimova")


@pytest.fixture
def issued(learner, university):
    return issue_to(learner, university)


def offer_link_for(user, credential) -> str:
    """What the learner's page shows after they press "Make an offer"."""
    client = Client()
    client.force_login(user)
    page = client.post(f"/certificates/{credential.pk}/wallet/")
    assert page.status_code == 200, page.status_code
    match = OFFER_LINK.search(page.content.decode())
    assert match, "no offer link on the page"
    return match.group(1).replace("&amp;", "&")


@pytest.fixture
def site(settings, live_server):
    """The issuer at the live server's address: SITE_URL is the Credential Issuer."""
    settings.SITE_URL = live_server.url
    return live_server


@pytest.fixture
def wallet_for(site):
    def make(user, credential, key=None) -> Wallet:
        wallet = Wallet(key=key or WalletKey())
        wallet.receive_offer(offer_link_for(user, credential))
        wallet.discover()
        return wallet

    return make
