"""LRS benchmark: statements stored per second by `POST /xapi/statements`, single and in
batches of 10, against a plain Django view writing one row per statement, both under the same
gunicorn in the same run, interleaved; the queries per POST; the goals of issue 18.

The measuring code is `bench/lrs/measure.py` (also runnable on its own); this module only runs it
boundedly (a few seconds of load per side) on PostgreSQL. `DATABASE_URL` (or
`BENCH_POSTGRES_URL`) picks the database when it is PostgreSQL; otherwise the benchmark uses
postgres://postgres@127.0.0.1:5432/ilm_bench_lrs and creates it. `bench/run.py` points
`DATABASE_URL` at its SQLite file and has Django set up on `bench.settings` before calling
`main()`, so the benchmark runs in a fresh process with its own settings
(`bench.lrs.settings`) and database; SQLite would measure its single-writer lock, not the LRS.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ilm_bench_lrs"
SECONDS_PER_SIDE = 8  # of load per endpoint and batch size; with start-up ~45 s in all
ROUNDS = 4  # interleaved slices of it
CONCURRENCY = 4


def _postgres_url() -> str:
    url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_URL


def _create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> int:
    url = _postgres_url()
    _create_database(url)
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # bench.lrs.measure sets its own
    env.pop("CELERY_BROKER_URL", None)
    # WhiteNoise warns that STATIC_ROOT was never collected; the benchmark serves no static.
    env["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"
    print("== LRS benchmark (PostgreSQL) ==", flush=True)
    command = [
        sys.executable,
        "-m",
        "bench.lrs.measure",
        "--seconds",
        str(SECONDS_PER_SIDE),
        "--rounds",
        str(ROUNDS),
        "--concurrency",
        str(CONCURRENCY),
        "--workers",
        str(2 * (os.cpu_count() or 1)),  # docs/deploy.md: 2 x cores
    ]
    code = subprocess.call(command, env=env, cwd=ROOT, timeout=300)
    if code:
        # bench/run.py counts a raised error as this module's failure.
        raise RuntimeError(f"bench.lrs.measure exited with status {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
