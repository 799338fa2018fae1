"""Benchmark: statements stored per second by the LRS, against a plain one-row-per-item view.

    .venv/bin/python -m bench.lrs.measure [--batch 100] [--seconds 10] [--concurrency 4]

Both endpoints are served by the same gunicorn on loopback, in the same run, so the ratio
between the two figures is what to read; absolute numbers depend on the machine. The
database is DATABASE_URL (PostgreSQL recommended) or, without it, a throw-away SQLite file.
The benchmark migrates the database, creates a university and an LRS client, and writes
only rows it can recognize (university code "bench-lrs").
"""

from __future__ import annotations

import argparse
import base64
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _statement(n: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://bench.example", "name": f"l{n % 500}"},
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "id": f"https://bench.example/activities/{n % 50}",
            "definition": {"name": {"en": f"Question {n % 50}"}},
        },
        "result": {"score": {"scaled": (n % 100) / 100}, "success": n % 3 == 0},
        "context": {
            "registration": str(uuid.UUID(int=n % 1000)),
            "contextActivities": {"parent": [{"id": "https://bench.example/course"}]},
        },
        "timestamp": "2026-01-01T00:00:00Z",
    }


def _prepare_database() -> tuple[str, str]:
    # Imported here, not at the top: `main` chooses the settings module and the database
    # before Django may be set up, and models cannot be imported before that.
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.lrs.urls import BASELINE_TABLE
    from universities.models import University
    from xapi.services import lrs_client_create

    call_command("migrate", verbosity=0, interactive=False)
    university, _ = University.objects.get_or_create(
        code="bench-lrs", defaults={"name": "Benchmark University", "country": "TJ"}
    )
    credentials = lrs_client_create(university=university, name="benchmark")
    with connection.cursor() as cursor:
        serial = "SERIAL" if connection.vendor == "postgresql" else "INTEGER"
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {BASELINE_TABLE} "
            f"(id {serial} PRIMARY KEY, body TEXT NOT NULL)"
        )
    connection.close()
    return credentials.key, credentials.secret


def _run(url: str, headers: dict, *, batch: int, seconds: float, concurrency: int) -> float:
    stored = 0
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    def worker():
        nonlocal stored
        session = requests.Session()
        while time.monotonic() < deadline:
            with lock:
                start = next(counter) * batch
            body = [_statement(start + i) for i in range(batch)]
            response = session.post(url, json=body, headers=headers, timeout=60)
            if response.status_code != 200:
                errors.append(f"{response.status_code} {response.text[:200]}")
                return
            with lock:
                stored += batch

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if errors:
        raise SystemExit(f"{url}: {errors[0]}")
    return stored / elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=100, help="statements per POST")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each run")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args(argv)

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.lrs.settings")
    tmp = tempfile.TemporaryDirectory(prefix="bench-lrs-")
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.update(env)
    key, secret = _prepare_database()

    port = _free_port()
    # Our own interpreter and fixed arguments: nothing here comes from outside.
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if requests.get(f"{base}/xapi/about", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        lrs_headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
        plain = _run(
            f"{base}/bench/plain-rows",
            {},
            batch=args.batch,
            seconds=args.seconds,
            concurrency=args.concurrency,
        )
        lrs = _run(
            f"{base}/xapi/statements",
            lrs_headers,
            batch=args.batch,
            seconds=args.seconds,
            concurrency=args.concurrency,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        tmp.cleanup()
    engine = env["DATABASE_URL"].split("://")[0]
    print(f"database: {engine}, batch {args.batch}, concurrency {args.concurrency}")
    print(f"plain view, one row per statement: {plain:,.0f} statements/s")
    print(
        f"LRS POST /xapi/statements:         {lrs:,.0f} statements/s ({lrs / plain:.0%} of plain)"
    )


if __name__ == "__main__":
    main()
