"""Health checks, request ids, security headers and production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests import factories as f

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_each_dependency_without_details(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": "ok",
        "broker": "eager",
        "cache": "ok",
        "storage": "ok",
    }


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://user:s3cret@127.0.0.1:1/0")
def test_healthz_fails_closed_and_leaks_no_secret_when_broker_is_down(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"
    assert b"s3cret" not in response.content
    assert b"127.0.0.1" not in response.content


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    generated = client.get("/healthz")
    assert len(generated["X-Request-ID"]) == 32
    echoed = client.get("/healthz", headers={"X-Request-ID": "proxy-abc.123"})
    assert echoed["X-Request-ID"] == "proxy-abc.123"
    hostile = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert hostile["X-Request-ID"] != "<script>alert(1)</script>"


@pytest.mark.django_db
def test_pages_send_security_headers(client):
    response = client.get("/en/catalogue/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert directives["object-src"] == "'none'"
    # Scripts: our origin (plus a per-response nonce when a template uses one), never inline.
    assert directives["script-src"].startswith("'self'")
    assert "unsafe-inline" not in directives["script-src"]


@pytest.mark.django_db
@override_settings(ILM_REQUIRE_STAFF_MFA=True)
def test_staff_without_two_factor_are_sent_to_activate_it(client):
    admin = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/2fa/totp/activate/")


def _production_env(**overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "CELERY_BROKER_URL", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="ilm.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    env.update(overrides)
    return env


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": "insecure-development-key-change-me"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": "sqlite:///prod.sqlite3"}, "PostgreSQL"),
        ({"CELERY_BROKER_URL": ""}, "CELERY_BROKER_URL"),
        ({"DEBUG": "true"}, "DEBUG"),
    ],
)
def test_production_refuses_insecure_defaults(override, message):
    result = _manage("check", env=_production_env(**override))
    assert result.returncode != 0
    assert message in result.stderr


def test_production_passes_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/xapi/no-such-thing", "/healthzz/"])
def test_language_neutral_paths_answer_404_not_a_language_redirect(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_pages_without_a_language_prefix_redirect_to_one(client):
    response = client.get("/catalogue/")
    assert response.status_code == 302
    assert response["Location"] == "/en/catalogue/"


@pytest.mark.django_db
def test_unknown_language_prefix_is_not_found(client):
    assert client.get("/xx/catalogue/").status_code == 404


@pytest.mark.django_db
def test_the_admin_allows_wagtails_inline_widget_scripts_and_the_site_does_not(client):
    staff = f.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(staff)

    def script_src(path):
        header = client.get(path)["Content-Security-Policy"]
        return dict(part.strip().split(" ", 1) for part in header.split(";"))["script-src"]

    assert "'unsafe-inline'" in script_src("/admin/")
    assert "nonce-" not in script_src("/admin/")
    assert "'unsafe-inline'" not in script_src("/en/catalogue/")
