import hashlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit.models import AuditEvent
from reports import services
from reports.models import ApiToken
from reports.tests.conftest import HOSTILE_NAME

BASE = "/api/v1"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token_a(world):
    return services.api_token_create(university=world.a, name="SIS", created_by=world.registrar_a)


def test_openapi_schema_and_docs_are_public(client, db):
    schema = client.get(f"{BASE}/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/enrollments", "/api/v1/summary/courses", "/api/v1/summary/programs"} <= set(
        paths
    )
    assert client.get(f"{BASE}/docs").status_code == 200


def test_token_is_hashed_at_rest_and_shown_once(token_a):
    token, raw = token_a
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert raw.startswith(stored.prefix) and len(raw) > 40


def test_enrollments_are_scoped_to_the_token_university(world, client, token_a):
    _token, raw = token_a
    response = client.get(f"{BASE}/enrollments", **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    learners = {row["learner_id"] for row in body["results"]}
    assert learners == {world.a_student.pk, world.b_in_a.pk, world.c_in_c.pk}
    assert body["university"] == "una"
    # JSON carries the raw text: neutralization is for spreadsheets only.
    assert HOSTILE_NAME in {row["name"] for row in body["results"]}
    event = AuditEvent.objects.get(action="report.exported")
    assert event.details["channel"] == "api" and event.details["rows"] == 3
    assert event.university == world.a


@pytest.mark.parametrize(
    "query", ["", "?university=unb", "?course={course_b}", "?status=active", "?term=Spring 2026"]
)
def test_no_parameter_widens_a_token_scope(world, client, token_a, query):
    _token, raw = token_a
    url = f"{BASE}/enrollments" + query.format(course_b=world.course_b.pk)
    rows = client.get(url, **bearer(raw)).json()["results"]
    assert world.b_student.pk not in {row["learner_id"] for row in rows}
    assert "secret.b@example.org" not in str(rows)


def test_keyset_paging_walks_every_row_once(world, client, token_a):
    _token, raw = token_a
    seen, cursor = [], ""
    for _page in range(5):
        body = client.get(f"{BASE}/enrollments?limit=1&cursor={cursor}", **bearer(raw)).json()
        seen += [row["id"] for row in body["results"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 3


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=abc",
        "limit=999999",
        "cursor=-1",
        "cursor=1e5",
        "status=gone",
        "enrolled_from=yesterday",
        "course=1;DROP TABLE",
    ],
)
def test_bad_parameters_get_400_with_a_message(world, client, token_a, query):
    _token, raw = token_a
    response = client.get(f"{BASE}/enrollments?{query}", **bearer(raw))
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not AuditEvent.objects.filter(action="report.exported").exists()


def test_summaries(world, client, token_a):
    _token, raw = token_a
    courses = client.get(f"{BASE}/summary/courses", **bearer(raw)).json()
    assert {row["course"] for row in courses} == {"Course of A", "Course of B", "Co-taught course"}
    of_b = next(row for row in courses if row["course"] == "Course of B")
    assert of_b["enrolled"] == 1  # only A's own student, not B's
    assert client.get(f"{BASE}/summary/programs", **bearer(raw)).status_code == 200


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer nope", "Bearer ilm_" + "x" * 43, "Basic dXNlcjpwYXNz"]
)
def test_missing_or_wrong_tokens_are_401(world, client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get(f"{BASE}/enrollments", **extra).status_code == 401


def test_revoked_token_stops_working(world, client, token_a):
    token, raw = token_a
    assert client.get(f"{BASE}/enrollments", **bearer(raw)).status_code == 200
    services.api_token_revoke(token=token, actor=world.registrar_a)
    assert client.get(f"{BASE}/enrollments", **bearer(raw)).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_last_used_is_recorded(world, client, token_a):
    token, raw = token_a
    assert token.last_used_at is None
    client.get(f"{BASE}/summary/courses", **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


def test_rate_limit_answers_429_with_retry_after(world, client, token_a, settings):
    settings.REPORTS_API_RATE_LIMIT = 3
    settings.REPORTS_API_RATE_WINDOW = 60
    _token, raw = token_a
    codes = [client.get(f"{BASE}/summary/programs", **bearer(raw)).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    limited = client.get(f"{BASE}/summary/programs", **bearer(raw))
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    # The limit is per token: another token of the same university is not held back.
    _other, raw_other = services.api_token_create(
        university=world.a, name="Other", created_by=world.registrar_a
    )
    assert client.get(f"{BASE}/summary/programs", **bearer(raw_other)).status_code == 200


def test_registrar_creates_and_revokes_tokens_in_the_site(world, client):
    client.force_login(world.registrar_a)
    page = client.post("/en/reports/tokens/", {"university": world.a.pk, "name": "Campus SIS"})
    assert page.status_code == 200
    token = ApiToken.objects.get(name="Campus SIS")
    raw = page.context["created"]["raw"]
    assert raw in page.content.decode() and token.digest == services.token_digest(raw)
    assert page["Cache-Control"].startswith("max-age=0")
    # Listed again, the token shows only its prefix.
    assert raw not in client.get(f"/en/reports/tokens/?university={world.a.pk}").content.decode()
    # Registrar B cannot revoke A's token.
    client.force_login(world.registrar_b)
    response = client.post(f"/en/reports/tokens/{token.pk}/revoke/", {"university": world.b.pk})
    assert response.status_code == 404
    client.force_login(world.registrar_a)
    client.post(f"/en/reports/tokens/{token.pk}/revoke/", {"university": world.a.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("name", ["", " ", "x" * 101, "bad\nname"])
def test_token_names_are_validated(world, client, name):
    client.force_login(world.registrar_a)
    page = client.post("/en/reports/tokens/", {"university": world.a.pk, "name": name})
    assert page.status_code == 400
    assert not ApiToken.objects.exists()


def test_create_api_token_command_prints_the_token_alone_on_the_last_line(world, capsys):
    call_command("create_api_token", world.registrar_a.email)
    lines = capsys.readouterr().out.strip().splitlines()
    raw = lines[-1]
    assert raw.startswith("ilm_") and " " not in raw
    assert raw not in "\n".join(lines[:-1])
    token = ApiToken.objects.get(digest=services.token_digest(raw))
    assert token.university == world.a and token.created_by == world.registrar_a


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody@example.org"], "No user"),
        (["{learner}"], "registrars"),
        (["{registrar}", "--university", "unb"], "cannot see"),
        (["{registrar}", "--university", "nope"], "No university"),
    ],
)
def test_create_api_token_command_refuses(world, args, message):
    args = [
        a.format(learner=world.a_student.email, registrar=world.registrar_a.email) for a in args
    ]
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *args)
    assert not ApiToken.objects.exists()


def test_course_filter_takes_the_scope_courses_and_refuses_others(world, client, token_a):
    _token, raw = token_a
    mine = client.get(f"{BASE}/enrollments?course={world.course_a.pk}", **bearer(raw))
    assert mine.status_code == 200
    assert [row["learner_id"] for row in mine.json()["results"]] == [world.b_in_a.pk]
    # Ids and codes for information systems, as in v1: the run id, the university code.
    assert mine.json()["results"][0]["run"] == world.run_a.pk
    assert mine.json()["results"][0]["home_university"] == "unb"
    for query in (f"course={world.course_b.pk + 10**6}", "program=999999"):
        refused = client.get(f"{BASE}/enrollments?{query}", **bearer(raw))
        assert refused.status_code == 400 and "from the list" in refused.json()["detail"]


def test_api_ignores_the_page_sort_and_keeps_paging_by_id(world, client, token_a):
    _token, raw = token_a
    response = client.get(f"{BASE}/enrollments?sort=bogus", **bearer(raw))
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == sorted(ids) and len(ids) == 3
