"""Background exports, their files, expiry and weekly schedules (eager Celery)."""

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from learning import services as learning
from reports import services, tasks
from reports.access import report_scope_for_staff
from reports.filters import ReportFilters, parse_report_filters
from reports.models import ExportJob, ScheduledReport
from tests import factories as f


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def request_job(world, capture, *, fmt="csv", kind="enrollments", filters=None):
    scope = report_scope_for_staff(world.registrar_a)
    with capture(execute=True):
        job = services.export_job_request(
            actor=world.registrar_a,
            scope=scope,
            filters=filters or ReportFilters(),
            kind=kind,
            fmt=fmt,
        )
    job.refresh_from_db()
    return job


def test_async_csv_file_is_private_scoped_and_audited(
    world, django_capture_on_commit_callbacks, private_dir
):
    job = request_job(world, django_capture_on_commit_callbacks)
    assert job.status == ExportJob.Status.READY and job.rows_total == job.rows_done == 3
    path = services.job_file_path(job)
    assert path.is_file() and private_dir in path.parents
    assert not str(path).startswith(str(django_settings.MEDIA_ROOT))
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert {int(row[0]) for row in rows[1:]} == {
        world.a_student.pk,
        world.b_in_a.pk,
        world.c_in_c.pk,
    }
    assert "B-SECRET" not in path.read_text()
    event = AuditEvent.objects.get(action="report.exported")
    assert event.details["channel"] == "background" and event.details["rows"] == 3
    assert job.expires_at > timezone.now()


def test_async_xlsx_with_filters(world, django_capture_on_commit_callbacks):
    filters = parse_report_filters({"term": "Autumn 2026"})
    job = request_job(world, django_capture_on_commit_callbacks, fmt="xlsx", filters=filters)
    sheet = load_workbook(services.job_file_path(job)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [world.c_in_c.pk]
    assert job.filters == {"term": "Autumn 2026"}


def test_async_summary(world, django_capture_on_commit_callbacks):
    job = request_job(world, django_capture_on_commit_callbacks, kind="course_summary")
    assert job.status == ExportJob.Status.READY and job.rows_total == 3


def test_generating_twice_does_nothing_the_second_time(world, django_capture_on_commit_callbacks):
    job = request_job(world, django_capture_on_commit_callbacks)
    assert services.export_job_run(job_id=job.pk) is None
    tasks.export_job_generate(job.pk)  # a redelivered message
    assert AuditEvent.objects.filter(action="report.exported").count() == 1


def test_expired_files_are_deleted_and_downloads_stop(
    world, django_capture_on_commit_callbacks, client
):
    job = request_job(world, django_capture_on_commit_callbacks)
    path = services.job_file_path(job)
    assert services.export_jobs_expire() == 0 and path.exists()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.export_jobs_cleanup() == 1
    assert not path.exists()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED
    client.force_login(world.registrar_a)
    assert client.get(f"/en/reports/jobs/{job.uuid}/download/").status_code == 404


def test_weekly_schedule_runs_when_due_once(world, django_capture_on_commit_callbacks, mailoutbox):
    scope = report_scope_for_staff(world.registrar_a)
    schedule = services.scheduled_report_create(
        owner=world.registrar_a,
        scope=scope,
        kind="enrollments",
        fmt="csv",
        filters=ReportFilters(status="active"),
        weekday=2,
    )
    assert schedule.next_run_at > timezone.now() and schedule.next_run_at.weekday() == 2
    assert services.scheduled_reports_run_due() == []
    later = schedule.next_run_at + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        jobs = services.scheduled_reports_run_due(now=later)
    assert len(jobs) == 1
    assert services.scheduled_reports_run_due(now=later) == []  # idempotent
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.READY and job.schedule == schedule
    assert job.rows_total == 2  # the two active enrollments in A's scope
    schedule.refresh_from_db()
    assert schedule.next_run_at == later - timedelta(minutes=1) + timedelta(days=7)
    assert len(mailoutbox) == 1


def test_schedule_of_a_former_registrar_is_switched_off(world):
    scope = report_scope_for_staff(world.registrar_a)
    schedule = services.scheduled_report_create(
        owner=world.registrar_a,
        scope=scope,
        kind="course_summary",
        fmt="xlsx",
        filters=ReportFilters(),
        weekday=0,
    )
    world.registrar_a.memberships.all().delete()
    world.registrar_a.__dict__.pop("_membership_cache", None)
    assert services.scheduled_reports_run_due(now=schedule.next_run_at) == []
    schedule.refresh_from_db()
    assert not schedule.is_active and not ExportJob.objects.exists()


def test_schedules_page(world, client):
    client.force_login(world.registrar_a)
    response = client.post(
        "/en/reports/schedules/",
        {"university": world.a.pk, "kind": "enrollments", "format": "csv", "weekday": "4"},
    )
    assert response.status_code == 302
    assert ScheduledReport.objects.get().weekday == 4
    for bad in ({"weekday": "9"}, {"weekday": "x"}, {"kind": "all"}, {"status": "nope"}):
        data = {"university": world.a.pk, "kind": "enrollments", "format": "csv", "weekday": "1"}
        response = client.post("/en/reports/schedules/", {**data, **bad})
        assert response.status_code == 400
    assert ScheduledReport.objects.count() == 1
    other = f.make_member("registrar", world.b)
    client.force_login(other)
    schedule = ScheduledReport.objects.get()
    response = client.post(
        f"/en/reports/schedules/{schedule.pk}/delete/", {"university": world.b.pk}
    )
    assert response.status_code == 404


def test_schedule_is_stopped_only_by_its_owner_and_the_stop_is_audited(world, client):
    scope = report_scope_for_staff(world.registrar_a)
    schedule = services.scheduled_report_create(
        owner=world.registrar_a,
        scope=scope,
        kind="course_summary",
        fmt="csv",
        filters=ReportFilters(),
        weekday=3,
    )
    url = f"/en/reports/schedules/{schedule.pk}/delete/"
    colleague = f.make_member("registrar", world.a)
    client.force_login(colleague)
    assert client.post(url, {"university": world.a.pk}).status_code == 404
    assert ScheduledReport.objects.filter(pk=schedule.pk).exists()
    client.force_login(world.registrar_a)
    response = client.post(url, {"university": world.a.pk})
    assert response.status_code == 302
    assert not ScheduledReport.objects.filter(pk=schedule.pk).exists()
    event = AuditEvent.objects.get(action="report_schedule.deleted")
    assert event.actor == world.registrar_a and event.university == world.a
    assert event.target_id == str(schedule.pk)


def _running_job(world, *, silent_for: timedelta) -> ExportJob:
    moment = timezone.now() - silent_for
    return ExportJob.objects.create(
        requested_by=world.registrar_a,
        university=world.a,
        kind="enrollments",
        format="csv",
        status=ExportJob.Status.RUNNING,
        started_at=moment,
        heartbeat_at=moment,
    )


def test_a_running_job_with_a_live_heartbeat_is_left_to_its_worker(world, settings):
    settings.REPORTS_JOB_STALE_SECONDS = 60
    job = _running_job(world, silent_for=timedelta(seconds=5))
    assert services.export_job_run(job_id=job.pk) is None
    assert services.export_jobs_recover() == 0
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING and job.file_name == ""


def test_a_job_whose_heartbeat_stopped_is_queued_again_and_finished(
    world, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_JOB_STALE_SECONDS = 60
    # Silent for two minutes: far below REPORTS_JOB_TIME_LIMIT, the old only way back.
    job = _running_job(world, silent_for=timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.export_jobs_recover() == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.READY
    assert job.heartbeat_at >= job.started_at > timezone.now() - timedelta(minutes=1)
    assert services.job_file_path(job).exists()


def test_background_file_names_in_the_requesters_language(
    world, django_capture_on_commit_callbacks
):
    world.registrar_a.preferred_language = "ru"
    world.registrar_a.save()
    late = f.make_member("learner", world.a, full_name="Aaron Late")  # the newest enrollment
    learning.enrollment_create(learner=late, run=world.run_a)
    filters = parse_report_filters({"sort": "name"})
    job = request_job(world, django_capture_on_commit_callbacks, filters=filters)
    assert job.filters == {"sort": "name"}
    rows = list(csv.reader(io.StringIO(services.job_file_path(job).read_text())))
    assert rows[0][4:6] == ["Базовый университет", "Страна базового университета"]
    mine = next(row for row in rows[1:] if int(row[0]) == world.a_student.pk)
    assert mine[4:6] == ["University A", "Таджикистан"]
    # (Only plain names compared: collations differ on where "=" sorts.)
    plain = ("Aaron Late", "B learner in A", "C learner")
    assert [row[2] for row in rows[1:] if row[2] in plain] == list(plain)
