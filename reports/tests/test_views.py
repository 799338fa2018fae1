import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from audit.models import AuditEvent
from reports.models import ExportJob
from reports.tests.conftest import HOSTILE_NAME
from tests import factories as f

EXPORT = "/en/reports/export/"


def post_export(client, user, university, **data):
    client.force_login(user)
    return client.post(EXPORT, {"university": university.pk, **data})


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_site_urls_are_language_prefixed():
    assert reverse("reports_site:export") == EXPORT


def test_enrollment_csv_is_scoped_neutralized_and_audited(world, client):
    response = post_export(client, world.registrar_a, world.a, kind="enrollments", format="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    header, data = rows[0], rows[1:]
    assert header[0] == "Learner id" and len(header) == 20
    learner_ids = {int(row[0]) for row in data}
    assert learner_ids == {world.a_student.pk, world.b_in_a.pk, world.c_in_c.pk}
    assert "secret.b@example.org" not in str(rows) and "B-SECRET" not in str(rows)
    by_learner = {int(row[0]): dict(zip(header, row, strict=True)) for row in data}
    mine = by_learner[world.a_student.pk]
    assert mine["Name"] == "'" + HOSTILE_NAME  # formula neutralized
    assert mine["Student number"] == "A-001"
    assert mine["Home university"] == "una"
    # A's student number is shown for A's students only, never another university's.
    assert by_learner[world.b_in_a.pk]["Student number"] == ""
    done = by_learner[world.b_in_a.pk]
    assert done["Status"] == "completed" and done["Progress %"] == "100"
    assert done["Credits earned"] == "5.0" and done["Completed at"].endswith("Z")
    event = AuditEvent.objects.get(action="report.exported")
    assert event.actor == world.registrar_a and event.university == world.a
    assert event.details["rows"] == 3 and event.details["kind"] == "enrollments"
    assert event.details["scope"]["university"] == "una"


def test_csv_bom_option(world, client):
    response = post_export(
        client, world.registrar_a, world.a, kind="enrollments", format="csv", bom="1"
    )
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")
    response = post_export(client, world.registrar_a, world.a, kind="enrollments", format="csv")
    assert not b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")


def test_xlsx_export_is_scoped_and_neutralized(world, client):
    response = post_export(client, world.registrar_a, world.a, kind="enrollments", format="xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    names = {row[2] for row in rows[1:]}
    assert "'" + HOSTILE_NAME in names
    assert "Secret B Student" not in names
    for row in rows:
        for cell in row:
            assert not (isinstance(cell, str) and cell.startswith(("=", "+", "-", "@")))
    # Typed cells: enrollment time as a datetime, credits and progress as numbers.
    head = list(rows[0])
    first = rows[1]
    assert isinstance(first[head.index("Enrolled at")], datetime.datetime)
    assert isinstance(first[head.index("Credits earned")], int | float)
    assert isinstance(first[head.index("Progress %")], int)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")


@pytest.mark.parametrize("kind", ["course_summary", "program_summary"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_summaries_download(world, client, kind, fmt):
    response = post_export(client, world.registrar_a, world.a, kind=kind, format=fmt)
    assert response.status_code == 200
    assert int(response["X-Report-Rows"]) >= 0


def test_course_summary_csv_contents(world, client):
    rows = csv_rows(
        post_export(client, world.registrar_a, world.a, kind="course_summary", format="csv")
    )
    by_course = {row[1]: row for row in rows[1:]}
    # A sees B's course only through its own student: one enrollment, not B's student.
    assert by_course["Course of B"][3] == "1"
    assert by_course["Course of A"][3:8] == ["1", "1", "1", "100.0", "100.0"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "deleted"}, "status"),
        ({"course": "abc"}, "course"),
        ({"course": "-5"}, "course"),
        ({"enrolled_from": "2026-13-45"}, "enrolled_from"),
        ({"enrolled_from": "2026-05-01", "enrolled_to": "2026-01-01"}, "enrolled_to"),
        ({"term": "x" * 101}, "term"),
        ({"term": "Spring\x00"}, "term"),
        ({"term": "Someday"}, "term"),
        ({"kind": "everything"}, "Unknown report"),
        ({"format": "pdf"}, "Unknown format"),
    ],
)
def test_bad_filters_are_refused_with_a_message(world, client, data, message):
    payload = {"kind": "enrollments", "format": "csv", **data}
    response = post_export(client, world.registrar_a, world.a, **payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action="report.exported").exists()


def test_other_university_id_is_forbidden(world, client):
    response = post_export(client, world.registrar_a, world.b, kind="enrollments", format="csv")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="report.exported").exists()


def test_learner_cannot_export(world, client):
    response = post_export(client, world.a_student, world.a, kind="enrollments", format="csv")
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(world, client):
    response = client.post(EXPORT, {"university": world.a.pk, "kind": "enrollments"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboard_draws_svg_charts_with_tables(world, client):
    client.force_login(world.registrar_a)
    response = client.get("/en/reports/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") == 4 and "<script" not in html
    assert html.count("<table") >= 4
    assert "Course of A" in html and "Secret B Student" not in html
    assert "&lt;" not in HOSTILE_NAME  # course titles, not names, appear; names never do
    assert HOSTILE_NAME not in html


def test_dashboard_for_staff_asks_for_a_university(world, client):
    staff = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(staff)
    assert "?university=" in client.get("/en/reports/").content.decode()
    response = client.get(f"/en/reports/?university={world.b.pk}")
    assert response.status_code == 200 and "Course of B" in response.content.decode()


def test_large_report_goes_to_background_and_file_is_gated(
    world, client, settings, tmp_path, django_capture_on_commit_callbacks, mailoutbox
):
    settings.REPORTS_STREAM_MAX_ROWS = 1
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = post_export(client, world.registrar_a, world.a, kind="enrollments", format="csv")
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reports_site:job", args=[job.uuid])
    status = client.get(reverse("reports_site:job_status", args=[job.uuid])).json()
    assert status["status"] == "ready" and status["rows_done"] == status["rows_total"] == 3
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [world.registrar_a.email]
    assert str(job.uuid) in mailoutbox[0].body
    page = client.get(reverse("reports_site:job", args=[job.uuid]))
    assert b"<progress" in page.content
    download = client.get(reverse("reports_site:job_download", args=[job.uuid]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content).decode()
    assert "Secret B Student" not in body and "'" + HOSTILE_NAME.replace('"', '""') in body
    # Registrar B, a learner and an anonymous visitor get nothing.
    for outsider in (world.registrar_b, world.a_student):
        client.force_login(outsider)
        for name in ("job", "job_status", "job_download"):
            assert client.get(reverse(f"reports_site:{name}", args=[job.uuid])).status_code == 403
    client.logout()
    assert client.get(reverse("reports_site:job_download", args=[job.uuid])).status_code == 302


@pytest.mark.parametrize(("stored", "link"), [("kk", "/kk/reports/"), ("xx", "/en/reports/")])
def test_the_report_ready_email_is_in_the_requesters_language(
    world, client, settings, tmp_path, django_capture_on_commit_callbacks, mailoutbox, stored, link
):
    settings.REPORTS_STREAM_MAX_ROWS = 1
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    # A stored code that is not one of ours (an old row, say) falls back to the site's language.
    type(world.registrar_a).objects.filter(pk=world.registrar_a.pk).update(
        preferred_language=stored
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_export(client, world.registrar_a, world.a, kind="enrollments", format="csv")
    [message] = mailoutbox
    with translation.override("kk" if stored == "kk" else "en"):
        assert message.subject == gettext("Your report is ready")
    assert link in message.body
