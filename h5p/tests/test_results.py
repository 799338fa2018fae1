"""Instructors' results per activity: attempts, distribution, item analysis and CSV export."""

import csv
import io

import pytest
from django.urls import reverse

from h5p.results import FORMULA_TRIGGERS, spreadsheet_safe
from h5p.tests.conftest import lesson_with_activity
from h5p.tests.test_admin import staff_client
from h5p.tests.test_attempts import question_set_completed, question_set_part
from h5p.tests.test_completion import multichoice, record
from reports.rows import FORMULA_TRIGGERS as REPORTS_FORMULA_TRIGGERS
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def played(university, tiny_content):
    """Two learners: one answers right, one wrong and then (in a second attempt) right."""
    first = lesson_with_activity(university, tiny_content)
    record(first, tiny_content, multichoice(tiny_content, raw=1))
    second = lesson_with_activity(
        university,
        tiny_content,
        learner=f.make_member("learner", university, full_name='=HYPERLINK("http://x")'),
    )
    record(second, tiny_content, multichoice(tiny_content, raw=0))
    record(second, tiny_content, multichoice(tiny_content, raw=1))
    return first, second


def results_url(content, name="h5p_admin:results"):
    return reverse(name, kwargs={"pk": content.pk})


def test_the_activitys_instructor_sees_attempts_distribution_and_item_analysis(
    client, university, tiny_content, played
):
    staff_client(client, f.make_member("instructor", university))

    response = client.get(results_url(tiny_content))

    assert response.status_code == 200
    assert response.context["attempt_count"] == 3
    assert response.context["learner_count"] == 2
    buckets = {b["label"]: b["count"] for b in response.context["distribution"]}
    assert buckets["0–9%"] == 1 and buckets["90–100%"] == 2
    (item,) = response.context["items"]
    assert item.description == "Which city is the capital of Tajikistan?"
    assert (item.answers, item.correct, item.percent_correct) == (3, 2, 67)
    assert [(o.label, o.count, o.correct) for o in item.options] == [
        ("Dushanbe", 2, True),
        ("Khujand", 1, False),
    ]
    body = response.content.decode()
    assert "Dushanbe" in body and "Lesson 1.1" in body


def test_a_containers_parts_are_analysed_one_by_one(client, university, tiny_content):
    setup = lesson_with_activity(university, tiny_content)
    record(setup, tiny_content, question_set_part(tiny_content, "q-1", raw=1))
    record(setup, tiny_content, question_set_part(tiny_content, "q-2", raw=0))
    record(setup, tiny_content, question_set_completed(tiny_content, raw=1, maximum=2))
    staff_client(client, f.make_member("instructor", university))

    items = client.get(results_url(tiny_content)).context["items"]

    assert [(i.key, i.description, i.correct) for i in items] == [
        ("q-1", "Question q-1", 1),
        ("q-2", "Question q-2", 0),
    ]


def test_the_csv_export_holds_every_attempt_with_formulas_neutralized(
    client, university, tiny_content, played
):
    staff_client(client, f.make_member("instructor", university))

    response = client.get(results_url(tiny_content, "h5p_admin:results_csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Learner", "Email", "Lesson"]
    assert len(rows) == 4
    names = {row[0] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_item_analysis_exports_as_csv(client, university, tiny_content, played):
    staff_client(client, f.make_member("instructor", university))

    response = client.get(results_url(tiny_content, "h5p_admin:results_csv") + "?part=items")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Question"
    assert rows[1][4:] == ["Dushanbe ✓", "2"] and rows[2][4:] == ["Khujand", "1"]


def test_the_guard_is_the_one_reports_use():
    assert FORMULA_TRIGGERS == REPORTS_FORMULA_TRIGGERS
    assert spreadsheet_safe("@SUM(1)") == "'@SUM(1)" and spreadsheet_safe(3) == 3


@pytest.mark.parametrize("name", ["h5p_admin:results", "h5p_admin:results_csv"])
def test_another_universitys_instructor_gets_not_found(
    client, university, other_university, tiny_content, played, name
):
    staff_client(client, f.make_member("instructor", other_university))

    response = client.get(results_url(tiny_content, name))

    assert response.status_code == 404
    assert b"HYPERLINK" not in response.content


def test_an_editor_who_does_not_teach_there_gets_not_found(
    client, university, tiny_content, played
):
    staff_client(client, f.make_member("editor", university))

    assert client.get(results_url(tiny_content)).status_code == 404


@pytest.mark.parametrize("name", ["h5p_admin:results", "h5p_admin:results_csv"])
def test_a_learner_is_refused(client, university, tiny_content, played, name):
    client.force_login(played[0].learner)

    response = client.get(results_url(tiny_content, name))

    assert response.status_code in (302, 403, 404)
    assert b"HYPERLINK" not in response.content
    if response.status_code == 302:
        assert "/login/" in response["Location"]


@pytest.mark.parametrize("name", ["h5p_admin:results", "h5p_admin:results_csv"])
def test_anonymous_is_sent_to_log_in(client, tiny_content, played, name):
    response = client.get(results_url(tiny_content, name))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_platform_staff_see_every_universitys_results(client, tiny_content, played):
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))

    assert client.get(results_url(tiny_content)).status_code == 200


def test_each_learners_graded_result_follows_the_lessons_method(client, university, tiny_content):
    setup = lesson_with_activity(university, tiny_content, activity={"grading": "average"})
    record(setup, tiny_content, multichoice(tiny_content, raw=0))
    record(setup, tiny_content, multichoice(tiny_content, raw=1))
    staff_client(client, f.make_member("instructor", university))

    response = client.get(results_url(tiny_content))

    (standing,) = response.context["learners"]
    assert standing.learner == setup.learner
    assert (standing.attempts, standing.graded_percent) == (2, 50)
    assert "50% (the average of all attempts)" in response.content.decode()
