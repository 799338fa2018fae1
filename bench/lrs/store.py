"""Benchmark: GET /xapi/statements latency as the store grows (issue 18, item 5).

    .venv/bin/python -m bench.lrs.store [--sizes 100000,1000000] [--repeat 15]

Loads synthetic statements and their filter keys with COPY into a PostgreSQL database of its
own (DATABASE_URL; it empties the statement tables) up to each size in turn, ANALYZEs, and
times in-process each query kind a tool asks for: by agent, activity, verb and registration,
a since/until window, and the second page of each through its `more` link. It prints the
median latency per kind and size, the ratio to the smallest size (goal: within 2x), and
whether the plan of each query avoids a sequential scan of the statement tables.
`ILM_BENCH_LRS_10M=1` adds a 10,000,000-statement step (long).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import statistics
import sys
import time
import uuid

AGENTS, VERBS, ACTIVITIES, REGISTRATIONS = 2000, 20, 1000, 2000
LIMIT = "25"  # statements per page
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _values(n: int) -> dict:
    return {
        "agent": f"mailto:l{n % AGENTS}@bench.example",
        "verb": f"https://bench.example/verbs/{n % VERBS}",
        "activity": f"https://bench.example/activities/{n % ACTIVITIES}",
        "registration": str(uuid.UUID(int=n % REGISTRATIONS + 1)),
    }


def _load(university_id: int, authority: dict, first: int, last: int) -> None:
    """COPY statements first..last-1 (one a second from START) and their keys."""
    from django.db import connection

    from xapi.models import StatementKey, value_hash
    from xapi.services.statement_keys import statement_keys

    Kind = StatementKey.Kind
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM xapi_statement")
        base_pk = cursor.fetchone()[0]
        statements = (
            "COPY xapi_statement (id, statement_id, data, stored, timestamp, verb_iri, "
            "registration, university_id, target_statement_id, is_voiding, voided) FROM STDIN"
        )
        keys = "COPY xapi_statementkey (statement_id, kind, value_hash, stored) FROM STDIN"
        with cursor.copy(statements) as copy_s:
            for n in range(first, last):
                v = _values(n)
                stored = START + dt.timedelta(seconds=n)
                data = {
                    "id": str(uuid.UUID(int=n + 1)),
                    "actor": {"objectType": "Agent", "mbox": v["agent"]},
                    "verb": {"id": v["verb"]},
                    "object": {"objectType": "Activity", "id": v["activity"]},
                    "context": {"registration": v["registration"]},
                    "authority": authority,
                    "stored": stored.isoformat(),
                    "timestamp": stored.isoformat(),
                    "version": "1.0.0",
                }
                copy_s.write_row(
                    (
                        base_pk + n - first + 1,
                        data["id"],
                        json.dumps(data),
                        stored,
                        stored,
                        v["verb"],
                        v["registration"],
                        university_id,
                        None,
                        False,
                        False,
                    )
                )
        with cursor.copy(keys) as copy_k:
            for n in range(first, last):
                v = _values(n)
                stored = START + dt.timedelta(seconds=n)
                body = {
                    "actor": {"mbox": v["agent"]},
                    "verb": {"id": v["verb"]},
                    "object": {"objectType": "Activity", "id": v["activity"]},
                    "context": {"registration": v["registration"]},
                    "authority": authority,
                }
                for kind, value in statement_keys(body):
                    copy_k.write_row(
                        (base_pk + n - first + 1, int(Kind(kind)), value_hash(value), stored)
                    )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('xapi_statement', 'id'), "
            "(SELECT MAX(id) FROM xapi_statement))"
        )
        cursor.execute("ANALYZE xapi_statement")
        cursor.execute("ANALYZE xapi_statementkey")
    raw.commit()


def _queries(size: int) -> dict[str, dict]:
    v = _values(size // 2)
    middle = START + dt.timedelta(seconds=size // 2)
    return {
        "agent": {"agent": json.dumps({"mbox": v["agent"]}), "limit": LIMIT},
        "activity": {"activity": v["activity"], "limit": LIMIT},
        "verb": {"verb": v["verb"], "limit": LIMIT},
        "registration": {"registration": v["registration"], "limit": LIMIT},
        "since/until": {
            "since": (middle - dt.timedelta(hours=1)).isoformat(),
            "until": middle.isoformat(),
            "limit": LIMIT,
        },
    }


def _measure_all(client, headers, size, repeat):
    """Page 1 and page 2 of every kind: (median seconds, plan uses indexes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for kind, params in _queries(size).items():
        targets = [(kind, "/xapi/statements", params)]
        first = client.get("/xapi/statements", params, **headers)
        if first.status_code != 200 or not first.json()["more"]:
            raise SystemExit(f"{kind}: {first.status_code} {first.content[:200]}")
        targets.append((f"{kind}, more", first.json()["more"], {}))
        for name, path, query in targets:
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(path, query, **headers)
                    timings.append(time.perf_counter() - started)
                assert response.status_code == 200, response.content[:200]
            statement_sql = [
                q["sql"] for q in captured.captured_queries if "xapi_statement" in q["sql"]
            ]
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + statement_sql[-1])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            results[name] = (statistics.median(timings), "Seq Scan" not in plan)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if os.environ.get("ILM_BENCH_LRS_10M"):
        sizes.append(10_000_000)

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.lrs.settings"
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench.lrs.store needs DATABASE_URL to be a PostgreSQL database")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from universities.models import University
    from xapi.services import client_authority, lrs_client_create

    call_command("migrate", verbosity=0, interactive=False)
    university, _ = University.objects.get_or_create(
        code="bench-lrs-store", defaults={"name": "Store Benchmark University", "country": "TJ"}
    )
    with connection.cursor() as cursor:  # its own database: start from an empty store
        cursor.execute("TRUNCATE xapi_statement, xapi_statementkey, xapi_forwardedstatement")
    credentials = lrs_client_create(university=university, name="store benchmark")
    authority = client_authority(credentials.client)
    token = base64.b64encode(f"{credentials.key}:{credentials.secret}".encode()).decode()
    headers = {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
    client = Client(HTTP_HOST="localhost")

    loaded, table = 0, {}
    for size in sizes:
        started = time.monotonic()
        _load(university.pk, authority, loaded, size)
        loaded = size
        print(f"loaded {size:,} statements in {time.monotonic() - started:.0f} s", flush=True)
        table[size] = _measure_all(client, headers, size, args.repeat)
    connection.close()

    smallest = sizes[0]
    print(f"{'query':<24}" + "".join(f"{s:>14,}" for s in sizes) + "   ratio   plan")
    worst = 0.0
    for name in table[smallest]:
        ratio = table[sizes[-1]][name][0] / table[smallest][name][0]
        worst = max(worst, ratio)
        indexed = all(table[s][name][1] for s in sizes)
        print(
            f"{name:<24}"
            + "".join(f"{table[s][name][0] * 1000:>12.1f}ms" for s in sizes)
            + f"   {ratio:4.2f}x   {'indexes' if indexed else 'SEQ SCAN'}"
        )
    verdict = "met" if worst <= 2 else "NOT MET"
    print(f"worst ratio {worst:.2f}x (goal: within 2x: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
