"""The setting most LTI tests start from: a partner platform registered for a course."""

import json

import pytest
from django.utils import timezone
from jwcrypto import jwk

from lti.services import registration_save
from tests.factories import UniversityFactory, build_course, open_run

ISSUER = "https://moodle.partner.example"
PLATFORM_KEY = jwk.JWK.generate(kty="RSA", size=2048, kid="platform-1")


@pytest.fixture
def setup():
    owner = UniversityFactory(code="owner")
    partner = UniversityFactory(code="partner")
    course = build_course(owner, modules=1, lessons_per_module=1)
    run = open_run(course)
    registration = registration_save(
        university=partner,
        issuer=ISSUER,
        client_id="ilm-client",
        auth_url=f"{ISSUER}/auth",
        token_url=f"{ISSUER}/token",
        keyset_url="http://127.0.0.1:9/keys",
        deployment_ids=["dep-1"],
    )
    registration.keyset = {"keys": [json.loads(PLATFORM_KEY.export_public())]}
    registration.keyset_fetched_at = timezone.now()
    registration.save()
    registration.courses.add(course)
    return {"registration": registration, "course": course, "run": run, "partner": partner}
