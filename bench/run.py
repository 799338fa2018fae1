"""`make bench`: how fast the learner's pages are, and whether their cost grows with the data.

1. Builds two datasets in a fresh SQLite database under var/bench/: a small course with few
   learners and a large one with many lessons and learners.
2. Counts database queries per page for both, in-process (`CaptureQueriesContext`). The counts
   must not grow with the number of lessons or learners.
3. Serves the platform with gunicorn on a free loopback port and measures, as a logged-in
   learner, the lesson page, the catalogue and a plain Django template view of the same size
   (`bench/urls.py`), with a bounded load generator: a fixed number of requests per page, a time
   cap, and a few threads. It prints requests per second, p50 and p99, and the ratio to the
   plain view; then, as an anonymous visitor, the catalogue and a course page (answered from
   the page cache, ADR 0056) beside a tiny template view (`/bench/plain/?p=0`). Measure ratios
   within one run: absolute figures depend on the machine.
4. Runs `main()` of every `bench/bench_*.py` module in turn (other apps' benchmarks: LRS,
   exports, signing). They run in this process, with Django set up on `bench.settings` and the
   benchmark database; `main()` takes no arguments and prints its own results.

Options: `--quick` (fewer requests, for a smoke run), `--pages-only`, `--modules-only`.
"""

import argparse
import http.client
import importlib.util
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
DATABASE = VAR / "bench.sqlite3"

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.pop("CELERY_BROKER_URL", None)  # eager tasks: the benchmark needs no worker
sys.path.insert(0, str(ROOT))

SIZES = {
    # name: (modules, lessons per module, learners)
    "small": (2, 2, 5),
    "large": (6, 5, 150),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests (smoke run)")
    parser.add_argument("--pages-only", action="store_true")
    parser.add_argument("--modules-only", action="store_true")
    args = parser.parse_args()

    (VAR / "static").mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    failures = 0
    if not args.modules_only:
        datasets = {name: build_dataset(name, *shape) for name, shape in SIZES.items()}
        failures += report_query_counts(datasets)
        failures += serve_and_measure(datasets["large"], quick=args.quick)
    if not args.pages_only:
        failures += run_bench_modules()
    return 1 if failures else 0


# --- Data ------------------------------------------------------------------------------------


def build_dataset(name: str, modules: int, lessons: int, learners: int) -> dict:
    """A published course with an open run, enrolled learners with some progress."""
    from learning import services
    from tests import factories

    started = time.monotonic()
    university = factories.UniversityFactory(code=f"bench-{name}", name=f"Bench {name}")
    course = factories.build_course(
        university, title=f"Bench course ({name})", modules=modules, lessons_per_module=lessons
    )
    run = factories.open_run(course)
    pages = factories.lessons_of(course)
    people = []
    for n in range(learners):
        learner = factories.make_member("learner", university)
        enrollment = services.enrollment_create(learner=learner, run=run)
        for lesson in pages[: n % len(pages)]:
            if not lesson.quiz_blocks():
                services.lesson_mark_complete(
                    enrollment=enrollment, lesson_key=lesson.translation_key
                )
        people.append(learner)
    print(
        f"dataset {name}: {len(pages)} lessons, {learners} learners "
        f"({time.monotonic() - started:.1f}s)"
    )
    return {
        "name": name,
        "learner": people[-1],
        "lesson_url": pages[len(pages) // 2].get_url(),
        "course_url": course.get_url(),
        "catalogue_url": "/en/catalogue/",
        "dashboard_url": "/en/learn/",
    }


# --- Queries per page --------------------------------------------------------------------------


def report_query_counts(datasets: dict) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    print("\nDatabase queries per page (logged-in learner)")
    counts: dict[str, dict[str, int]] = {}
    for name, data in datasets.items():
        client = Client()
        client.force_login(data["learner"])
        for page in ("lesson_url", "catalogue_url", "dashboard_url"):
            client.get(data[page])  # warm caches a real server would have warm too
            with CaptureQueriesContext(connection) as queries:
                response = client.get(data[page])
            label = page.removesuffix("_url")
            counts.setdefault(label, {})[name] = len(queries)
            if response.status_code != 200:
                print(f"  {label} ({name}) answered {response.status_code}")
    failures = 0
    print(f"  {'page':<12}" + "".join(f"{name:>10}" for name in datasets))
    for label, by_size in counts.items():
        grows = by_size["large"] > by_size["small"]
        failures += grows
        flag = "  <- grows with the data" if grows else ""
        print(f"  {label:<12}" + "".join(f"{by_size[n]:>10}" for n in datasets) + flag)
    return failures


# --- Serving under load ------------------------------------------------------------------------


def serve_and_measure(data: dict, *, quick: bool) -> int:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(data["learner"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    lesson_bytes = len(client.get(data["lesson_url"]).content)
    layout = len(client.get("/bench/plain/?p=0").content)
    per_paragraph = len(client.get("/bench/plain/?p=1").content) - layout
    paragraphs = max(0, round((lesson_bytes - layout) / max(per_paragraph, 1)))
    plain_path = f"/bench/plain/?p={paragraphs}"

    port = free_port()
    env = dict(os.environ)
    workers = str(max(2, os.cpu_count() or 2))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lms.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", workers, "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        wait_until_serving(port)
        requests, seconds = (150, 10.0) if quick else (1500, 30.0)
        # The anonymous pages are answered from the page cache (ADR 0056) after the first
        # request; a tiny template view is their peer.
        pages = [
            ("plain view", plain_path, cookie),
            ("lesson", data["lesson_url"], cookie),
            ("catalogue", data["catalogue_url"], cookie),
            ("tiny view", "/bench/plain/?p=0", ""),
            ("anon catalogue", data["catalogue_url"], ""),
            ("anon course", data["course_url"], ""),
        ]
        print(f"\ngunicorn, {workers} workers, 127.0.0.1:{port}, 4 client threads, "
              f"{requests} requests or {seconds:.0f}s per page")  # fmt: skip
        results = {}
        for label, path, sent in pages:
            results[label] = load(port, path, sent, requests=requests, cap_seconds=seconds)
        plain_rps = results["plain view"]["rps"]
        print(f"  {'page':<16}{'bytes':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
              f"{'errors':>8}{'vs peer':>10}")  # fmt: skip
        failures = 0
        tiny_rps = results["tiny view"]["rps"]
        for label, r in results.items():
            peer = tiny_rps if label.startswith("anon") else plain_rps
            ratio = r["rps"] / peer if peer else 0
            failures += r["errors"] > 0
            print(f"  {label:<16}{r['bytes']:>8}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}"
                  f"{r['errors']:>8}{ratio:>9.2f}x")  # fmt: skip
        print("  peer: the plain view of the lesson's size; for anon pages, the tiny view")
        return failures
    finally:
        server.terminate()
        server.wait(timeout=20)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(port: int, timeout: float = 180.0) -> None:
    """Wait until a worker answers a page: gunicorn binds the port before workers are ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/bench/plain/")
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


def load(port: int, path: str, cookie: str, *, requests: int, cap_seconds: float) -> dict:
    """Send up to `requests` GETs from 4 threads, stopping at `cap_seconds`; time each one."""
    threads_count = 4
    latencies: list[float] = []
    errors = [0]
    sizes = [0]
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + cap_seconds
    headers = {"Cookie": cookie, "Accept-Language": "en"}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            for _warm_up in range(3):
                conn.request("GET", path, headers=headers)
                conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok, body = False, b""
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                sizes[0] = max(sizes[0], len(body))
                errors[0] += not ok
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / wall if wall else 0.0,
        "p50": 1000 * statistics.median(latencies) if latencies else 0.0,
        "p99": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
        if latencies
        else 0.0,
        "errors": errors[0],
        "bytes": sizes[0],
    }


# --- Other apps' benchmarks ------------------------------------------------------------------


def run_bench_modules() -> int:
    failures = 0
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        print(f"\n== {path.name}")
        spec = importlib.util.spec_from_file_location(f"bench.{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            module.main()
        except Exception as error:  # one broken benchmark must not hide the others' results
            failures += 1
            print(f"   failed: {error!r}")
    return failures


if __name__ == "__main__":
    sys.exit(main())
