"""A learner downloads everything Ilm holds about them, and nothing about anyone else."""

import csv
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacy.formats import section_csv
from privacy.selectors import SECTIONS, learner_data
from tests import factories as f

pytestmark = pytest.mark.django_db

URLS = ("privacy:my_data", "privacy:download_json", "privacy:download_csv", "privacy:erase")
# Sections the fixture learner has at least one row in (they enrolled in no program, confirmed
# no extra address, the H5P player saved no xAPI document for them and they sent nothing to a
# wallet: wallets/tests/test_privacy.py covers those two sections).
FILLED = set(SECTIONS) - {
    "program_enrollments",
    "email_addresses",
    "xapi_documents",
    "wallet_offers",
    "wallet_deliveries",
}


def download(client, user):
    client.force_login(user)
    response = client.get(reverse("privacy:download_json"), {"user": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ilm-my-data-')
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


@pytest.mark.parametrize("name", URLS)
def test_anonymous_people_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_json_holds_every_section_of_the_learners_own_data(client, learner, other):
    document = download(client, learner.user)

    sections = document["sections"]
    assert list(sections) == list(SECTIONS)
    assert {name for name, rows in sections.items() if rows} == FILLED
    assert sections["profile"][0]["email"] == learner.user.email
    assert sections["memberships"][0]["role"] == "learner"
    assert sections["memberships"][0]["student_number"]
    assert len(sections["enrollments"]) == 3
    assert sections["quiz_attempts"][0]["passed"] is False
    assert sections["h5p_attempts"][0]["success"] is True
    statement_ids = {row["id"] for row in sections["xapi_statements"]}
    assert statement_ids == {learner.h5p_statement_id, learner.outside_statement_id}
    credential = next(c for c in sections["credentials"] if c["id"] == str(learner.credential.pk))
    assert credential["verification_url"].endswith(f"/verify/{learner.credential.pk}/")
    assert json.loads(credential["signed_json"])["credentialSubject"]
    assert sections["audit_events"][0]["action"] == "membership.granted"

    # Nothing of the other learner, who shares the university and a course, and a `user`
    # parameter changes nothing.
    text = json.dumps(document)
    assert other.user.email not in text and "Zarina Other" not in text
    assert not statement_ids & set(other.statement_ids)


def test_the_other_learner_gets_their_own_data_only(client, learner, other):
    sections = download(client, other.user)["sections"]
    assert sections["profile"][0]["email"] == other.user.email
    assert {row["id"] for row in sections["xapi_statements"]} == set(other.statement_ids)
    assert learner.user.email not in json.dumps(sections)
    assert sections["credentials"] == []


def test_the_csv_zip_has_a_file_per_section_with_formulas_neutralised(client, learner):
    client.force_login(learner.user)
    response = client.get(reverse("privacy:download_csv"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == [f"{section}.csv" for section in SECTIONS]

    profile = list(csv.DictReader(io.StringIO(archive.read("profile.csv").decode("utf-8-sig"))))
    assert profile[0]["full_name"] == '\'=HYPERLINK("https://evil.example")'
    assert profile[0]["email"] == learner.user.email
    statements = archive.read("xapi_statements.csv").decode("utf-8-sig")
    assert learner.outside_statement_id in statements


def test_csv_cells_are_escaped_and_nested_values_written_as_json():
    text = section_csv(
        [
            {"a": "-1+1", "b": {"k": [1]}, "c": None, "d": True},
            {"a": "@SUM(A1)", "e": "\tx"},
        ]
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["a", "b", "c", "d", "e"]
    assert rows[1] == ["'-1+1", '{"k": [1]}', "", "true", ""]
    assert rows[2] == ["'@SUM(A1)", "", "", "", "'\tx"]


def test_the_number_of_queries_does_not_grow_with_the_learners_records(learner, university):
    newcomer = f.make_member("learner", university)
    with CaptureQueriesContext(connection) as empty:
        learner_data(newcomer)
    with CaptureQueriesContext(connection) as full:
        learner_data(learner.user)
    assert len(full) == len(empty) <= 20


def test_the_account_pages_link_to_the_data_page(client, learner):
    client.force_login(learner.user)
    page = client.get(reverse("account_email")).content.decode()
    assert reverse("privacy:my_data") in page
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert reverse("privacy:download_json") in page and reverse("privacy:erase") in page
