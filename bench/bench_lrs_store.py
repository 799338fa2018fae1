"""LRS store-growth benchmark: GET /xapi/statements latency at 100,000 and 1,000,000
statements loaded with COPY (`bench/lrs/store.py`; issue 18, item 5).

Loading a million statements takes minutes, so `make bench` runs it only when
`ILM_BENCH_LRS_STORE=1` is set (and adds 10,000,000 with `ILM_BENCH_LRS_10M=1`). It uses its
own PostgreSQL database, `BENCH_POSTGRES_STORE_URL` or
postgres://postgres@127.0.0.1:5432/ilm_bench_lrs_store, which it creates and empties.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ilm_bench_lrs_store"


def main() -> int:
    print("== LRS store growth (PostgreSQL) ==", flush=True)
    if not os.environ.get("ILM_BENCH_LRS_STORE"):
        print("not run: set ILM_BENCH_LRS_STORE=1 (it loads 1,000,000 statements)")
        return 0
    from bench.bench_lrs import _create_database

    url = os.environ.get("BENCH_POSTGRES_STORE_URL", DEFAULT_URL)
    _create_database(url)
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("CELERY_BROKER_URL", None)
    env["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"
    code = subprocess.call([sys.executable, "-m", "bench.lrs.store"], env=env, cwd=ROOT)
    if code:
        raise RuntimeError(f"bench.lrs.store exited with status {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
