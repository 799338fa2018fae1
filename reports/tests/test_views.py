import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from audit.models import AuditEvent
from learning import services as learning
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
    assert header[0] == "Learner id" and len(header) == 22
    learner_ids = {int(row[0]) for row in data}
    assert learner_ids == {world.a_student.pk, world.b_in_a.pk, world.c_in_c.pk}
    assert "secret.b@example.org" not in str(rows) and "B-SECRET" not in str(rows)
    by_learner = {int(row[0]): dict(zip(header, row, strict=True)) for row in data}
    mine = by_learner[world.a_student.pk]
    assert mine["Name"] == "'" + HOSTILE_NAME  # formula neutralized
    assert mine["Student number"] == "A-001"
    # Names, not codes: the university by name, its country by name, the run by its dates.
    assert mine["Home university"] == "University A"
    assert mine["Home country"] == "Tajikistan"
    assert mine["Run starts"] == world.run_b.starts_on.isoformat()
    assert mine["Run ends"] == world.run_b.ends_on.isoformat()
    assert "una" not in {cell for row in data for cell in row}
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


def preview(client, user, university, **data):
    client.force_login(user)
    return client.post(EXPORT, {"university": university.pk, "preview": "1", **data})


@pytest.mark.parametrize("kind", ["enrollments", "course_summary", "program_summary"])
@pytest.mark.parametrize("filters", [{}, {"status": "completed"}, {"term": "Spring 2026"}])
def test_preview_counts_the_rows_the_export_writes(world, client, kind, filters):
    f.build_program(world.a, [], [world.course_a])
    data = {"kind": kind, "format": "csv", **filters}
    shown = preview(client, world.registrar_a, world.a, **data)
    assert shown.status_code == 200
    count = shown.context["preview"]["rows"]
    exported = post_export(client, world.registrar_a, world.a, **data)
    assert int(exported["X-Report-Rows"]) == count
    assert len(csv_rows(exported)) - 1 == count
    # The preview exports nothing and leaves no audit record of an export.
    assert AuditEvent.objects.filter(action="report.exported").count() == 1


def test_preview_keeps_the_input_and_says_how_many_rows(world, client):
    response = preview(
        client,
        world.registrar_a,
        world.a,
        kind="enrollments",
        format="xlsx",
        course=world.course_a.pk,
        enrolled_from="2020-01-01",
    )
    html = response.content.decode()
    assert "This report will have 1 row." in html
    assert f'<option value="{world.course_a.pk}" selected>' in html
    assert 'value="2020-01-01"' in html
    assert '<option value="xlsx" selected>' in html


def test_bad_dates_come_back_on_the_same_page_with_the_input_kept(world, client):
    response = post_export(
        client,
        world.registrar_a,
        world.a,
        kind="course_summary",
        format="csv",
        term="Spring 2026",
        enrolled_from="2026-05-01",
        enrolled_to="2026-01-01",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The end date is before the start date." in html
    assert "enrolled_to:" not in html  # a sentence, not a field name
    assert 'value="2026-05-01"' in html and 'value="2026-01-01"' in html
    assert 'value="Spring 2026"' in html
    assert 'value="course_summary" id="id_kind_1" required checked' in html
    assert 'aria-invalid="true"' in html


def test_messages_on_the_page_are_translated(world, client):
    client.force_login(world.registrar_a)
    response = client.post(
        "/ru/reports/export/",
        {"university": world.a.pk, "kind": "enrollments", "format": "csv", "course": "424242"},
    )
    assert response.status_code == 400
    assert "Выберите курс из списка" in response.content.decode()


def test_registrar_of_another_university_cannot_pick_or_preview(world, client):
    client.force_login(world.registrar_b)
    dashboard = client.get(f"/en/reports/?university={world.b.pk}").content.decode()
    assert "Co-taught course" not in dashboard.split('name="course"')[1].split("</select>")[0]
    # Picking a course outside B's scope is refused on the page, nothing is counted.
    response = preview(
        client,
        world.registrar_b,
        world.b,
        kind="enrollments",
        format="csv",
        course=world.course_c.pk,
    )
    assert response.status_code == 400 and response.context["preview"] is None
    assert "Choose a course from the list" in response.content.decode()
    # Previewing A's reports at all is forbidden.
    response = preview(client, world.registrar_b, world.a, kind="enrollments", format="csv")
    assert response.status_code == 403


def test_enrollment_export_sorted_by_name(world, client):
    late = f.make_member("learner", world.a, full_name="Aaron Late")  # the newest enrollment
    learning.enrollment_create(learner=late, run=world.run_a)
    rows = csv_rows(
        post_export(
            client, world.registrar_a, world.a, kind="enrollments", format="csv", sort="name"
        )
    )
    # (Only plain names compared: collations differ on where "=" sorts.)
    plain = ("Aaron Late", "B learner in A", "C learner")
    assert [row[2] for row in rows[1:] if row[2] in plain] == list(plain)


def test_exports_in_russian_name_universities_and_countries_in_russian(world, client):
    world.a.name_translations = {"ru": "Университет А"}
    world.a.save()
    client.force_login(world.registrar_a)
    response = client.post(
        "/ru/reports/export/", {"university": world.a.pk, "kind": "enrollments", "format": "csv"}
    )
    rows = csv_rows(response)
    mine = next(row for row in rows[1:] if int(row[0]) == world.a_student.pk)
    assert mine[4] == "Университет А" and mine[5] == "Таджикистан"
    # A university without a Russian name falls back to its own name.
    other = next(row for row in rows[1:] if int(row[0]) == world.b_in_a.pk)
    assert other[4] == "University B" and other[5] == "Казахстан"


def test_xlsx_names_and_typed_run_dates(world, client):
    response = post_export(client, world.registrar_a, world.a, kind="enrollments", format="xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    head = list(rows[0])
    mine = next(row for row in rows[1:] if row[0] == world.a_student.pk)
    assert mine[head.index("Home university")] == "University A"
    assert mine[head.index("Home country")] == "Tajikistan"
    starts = mine[head.index("Run starts")]
    assert isinstance(starts, datetime.datetime) and starts.date() == world.run_b.starts_on


def test_summaries_name_the_universities(world, client):
    program = f.build_program(world.a, [], [world.course_a])
    learning.program_enrollment_create(learner=world.a_student, program=program)
    courses = csv_rows(
        post_export(client, world.registrar_a, world.a, kind="course_summary", format="csv")
    )
    owning = {row[1]: row[2] for row in courses[1:]}
    assert owning["Course of B"] == "University B" and owning["Course of A"] == "University A"
    programs = csv_rows(
        post_export(client, world.registrar_a, world.a, kind="program_summary", format="csv")
    )
    assert programs[0][2] == "Lead university"
    assert {row[2] for row in programs[1:]} == {"University A"}


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
