"""Benchmark: statements stored per second by the LRS, against a plain one-row-per-item view.

    .venv/bin/python -m bench.lrs.measure [--seconds 8] [--rounds 4] [--concurrency 4]

Both endpoints are served by the same gunicorn on loopback, in the same run, and measured
interleaved: each round posts for a slice of time to the plain view, then to the LRS, first
single statements and then batches of 10, so drift of the machine (other processes, the
database's checkpoints) falls on both sides alike. The ratio between the two figures is what
to read; absolute numbers depend on the machine. The goals of issue 18 are printed as met or
not met: batches of 10 at least 50% of the plain view, single statements at least 40%.

The queries one POST makes are counted in-process (`CaptureQueriesContext`) for batches of
1, 10 and 50: they must not grow with the batch.

The database is DATABASE_URL (PostgreSQL; `bench/bench_lrs.py` provides one) or, without
it, a throw-away SQLite file. The server runs the project's settings with DEBUG off,
persistent connections (`DB_CONN_MAX_AGE`) and gunicorn's options from docs/deploy.md. The
benchmark migrates the database, creates a university and an LRS client, and writes only
rows it can recognize (university code "bench-lrs").
"""

from __future__ import annotations

import argparse
import base64
import json
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
GOALS = {1: 0.40, 10: 0.50}  # batch size: least share of the plain view's statements/s


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
    return credentials.key, credentials.secret


def queries_per_post(headers: dict, sizes=(1, 10, 50)) -> dict[int, int]:
    """Queries one POST of `size` new statements makes, in this process (Django set up)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}

    def post(size: int, start: int) -> int:
        body = json.dumps([_statement(start + i) for i in range(size)])
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                "/xapi/statements", body, content_type="application/json", **extra
            )
        if response.status_code != 200:
            raise SystemExit(f"queries_per_post: {response.status_code} {response.content[:200]}")
        return len(captured)

    post(1, 10**8)  # warm: the client's last use, the activities the statements define
    post(50, 10**8)
    counts = {size: post(size, 2 * 10**8 + size) for size in sizes}
    connection.close()
    return counts


def _run(url: str, headers: dict, *, batch: int, seconds: float, concurrency: int, start: int):
    """(statements stored, seconds) of `concurrency` threads posting for `seconds`."""
    stored = 0
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(start, 10**12))
    headers = {**headers, "Content-Type": "application/json"}

    def worker():
        nonlocal stored
        session = requests.Session()
        while time.monotonic() < deadline:
            with lock:
                first = next(counter) * batch
            body = json.dumps([_statement(first + i) for i in range(batch)])
            response = session.post(url, data=body, headers=headers, timeout=60)
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
    return stored, elapsed


def _serve(env: dict, workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    # Our own interpreter and fixed arguments (docs/deploy.md): nothing here comes from outside.
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--max-requests",
            "2000",
            "--max-requests-jitter",
            "200",
            "--preload",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(f"{base}/xapi/about", timeout=10).status_code == 200:
                return server, base
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="load per side and size")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved slices per side")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args(argv)

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.lrs.settings")
    tmp = tempfile.TemporaryDirectory(prefix="bench-lrs-")
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    env.setdefault("DB_CONN_MAX_AGE", "60")
    os.environ.update(env)
    key, secret = _prepare_database()
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    lrs_headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    counts = queries_per_post(lrs_headers)

    server, base = _serve(env, args.workers)
    totals = {(side, size): [0, 0.0] for side in ("plain", "lrs") for size in GOALS}
    try:
        slice_seconds = args.seconds / args.rounds
        start = 10**9
        for _ in range(args.rounds):
            for size in GOALS:
                for side, url, headers in (
                    ("plain", f"{base}/bench/plain-rows", {}),
                    ("lrs", f"{base}/xapi/statements", lrs_headers),
                ):
                    start += 10**7
                    stored, elapsed = _run(
                        url,
                        headers,
                        batch=size,
                        seconds=slice_seconds,
                        concurrency=args.concurrency,
                        start=start,
                    )
                    totals[side, size][0] += stored
                    totals[side, size][1] += elapsed
    finally:
        server.terminate()
        server.wait(timeout=30)
        tmp.cleanup()

    engine = env["DATABASE_URL"].split("://")[0]
    print(
        f"database: {engine}, gunicorn workers {args.workers}, client threads "
        f"{args.concurrency}, {args.rounds} interleaved rounds of {slice_seconds:.1f} s per side"
    )
    print(
        "queries per POST: "
        + ", ".join(f"{n} for {size}" for size, n in counts.items())
        + (" (independent of the batch)" if len(set(counts.values())) == 1 else " (GROWS)")
    )
    for size, goal in GOALS.items():
        plain = totals["plain", size][0] / totals["plain", size][1]
        lrs = totals["lrs", size][0] / totals["lrs", size][1]
        ratio = lrs / plain
        label = "single statements" if size == 1 else f"batches of {size}"
        verdict = "met" if ratio >= goal else "NOT MET"
        print(
            f"{label:<18} plain view {plain:>8,.0f}/s   LRS {lrs:>8,.0f}/s   "
            f"{ratio:>4.0%} of plain (goal ≥ {goal:.0%}: {verdict})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
