import base64
import json
import uuid

import pytest
from django.test import Client

from tests.factories import UniversityFactory, make_member
from tests.services.processes import free_port
from xapi.services import external_lrs_create, lrs_client_create

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


class LRS:
    """A test client speaking xAPI with one set of Basic credentials."""

    def __init__(self, key: str, secret: str, version: str = "1.0.3"):
        self.client = Client()
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.auth = {
            "HTTP_AUTHORIZATION": f"Basic {token}",
            "HTTP_X_EXPERIENCE_API_VERSION": version,
        }

    def get(self, path, params=None, **extra):
        return self.client.get(f"/xapi/{path}", params or {}, **{**self.auth, **extra})

    def post(self, path, body, content_type="application/json", query="", **extra):
        data = json.dumps(body) if not isinstance(body, bytes | str) else body
        return self.client.post(
            f"/xapi/{path}{query}", data, content_type=content_type, **{**self.auth, **extra}
        )

    def put(self, path, body, content_type="application/json", query="", **extra):
        data = json.dumps(body) if not isinstance(body, bytes | str) else body
        return self.client.put(
            f"/xapi/{path}{query}", data, content_type=content_type, **{**self.auth, **extra}
        )

    def delete(self, path, query="", **extra):
        return self.client.delete(f"/xapi/{path}{query}", **{**self.auth, **extra})


def make_statement(**overrides) -> dict:
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": "mailto:learner@example.com", "name": "Learner"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": "http://example.com/activities/q1",
            "definition": {"name": {"en": "Question 1", "ru": "Вопрос 1"}},
        },
    }
    statement.update(overrides)
    return statement


@pytest.fixture
def university_a(db):
    return UniversityFactory(code="uni-a")


@pytest.fixture
def university_b(db):
    return UniversityFactory(code="uni-b")


@pytest.fixture
def lrs_a(university_a):
    credentials = lrs_client_create(university=university_a, name="Analytics A")
    lrs = LRS(credentials.key, credentials.secret)
    lrs.credentials = credentials
    return lrs


@pytest.fixture
def lrs_a_2_0(lrs_a):
    """The same credentials as `lrs_a`, speaking xAPI 2.0.0."""
    credentials = lrs_a.credentials
    lrs = LRS(credentials.key, credentials.secret, version="2.0.0")
    lrs.credentials = credentials
    return lrs


@pytest.fixture
def lrs_b(university_b):
    credentials = lrs_client_create(university=university_b, name="Analytics B")
    return LRS(credentials.key, credentials.secret)


@pytest.fixture
def learner_a(university_a):
    return make_member("learner", university_a)


@pytest.fixture
def learner_b(university_b):
    return make_member("learner", university_b)


ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def make_external_lrs(university, **overrides):
    """A university's own LRS to forward to, on a loopback port nothing listens on."""
    values = {
        "university": university,
        "name": "Own LRS",
        "endpoint": f"http://127.0.0.1:{free_port()}/xapi/",
        "key": "k",
        "secret": "s3cret",
    }
    values.update(overrides)
    return external_lrs_create(**values)
