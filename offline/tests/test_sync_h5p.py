"""H5P statements queued offline are recorded through the H5P service, once per key."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from h5p.tests.conftest import h5p_root, lesson_with_activity, tiny_content  # noqa: F401
from h5p.tests.test_services import answered
from learning.models import ActivityResult
from xapi.models import Statement

pytestmark = pytest.mark.django_db


def statement_item(setup, content, statement, *, key=None):
    return {
        "key": str(key or uuid.uuid4()),
        "kind": "h5p_statement",
        "lesson": setup.lesson.pk,
        "payload": {"content": str(content.uuid), "statement": statement},
    }


def sync(client, items):
    return client.post(
        reverse("offline:sync"), json.dumps({"items": items}), content_type="application/json"
    )


def test_a_queued_statement_is_recorded_once(university, tiny_content):  # noqa: F811
    setup = lesson_with_activity(university, tiny_content)
    client = Client()
    client.force_login(setup.learner)
    item = statement_item(setup, tiny_content, answered(tiny_content))
    first = sync(client, [item]).json()["results"][0]
    again = sync(client, [item]).json()["results"][0]
    assert first["status"] == "recorded" and again["replayed"] is True
    assert Statement.objects.filter(learner=setup.learner).count() == 1
    assert ActivityResult.objects.get().best_scaled_score == pytest.approx(0.75)


def test_a_statement_about_other_content_or_malformed_is_refused(university, tiny_content):  # noqa: F811
    setup = lesson_with_activity(university, tiny_content)
    client = Client()
    client.force_login(setup.learner)
    elsewhere = statement_item(setup, tiny_content, answered(tiny_content))
    elsewhere["payload"]["content"] = str(uuid.uuid4())
    not_an_object = statement_item(setup, tiny_content, "answered")
    no_uuid = statement_item(setup, tiny_content, answered(tiny_content))
    no_uuid["payload"]["content"] = "nope"
    results = sync(client, [elsewhere, not_an_object, no_uuid]).json()["results"]
    assert [r["code"] for r in results] == ["not_in_lesson", "bad_statement", "not_in_lesson"]
    assert not Statement.objects.exists()
