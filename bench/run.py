"""`make bench`: how fast the learner's pages are, and whether their cost grows with the data.

The pages part runs as a deployment does: `lms.settings.production` (through
`bench/settings_production.py`, which only adds the plain view) with the environment
docs/deploy.md lists, on a fresh PostgreSQL database (`ilm_bench` on 127.0.0.1:5432, user
postgres; `BENCH_POSTGRES_URL` overrides, the peer gets `<name>_peer`), Redis databases 11-13
of its own (flushed at start), a Celery broker but no worker (no measured page queues a task),
and `X-Forwarded-Proto: https` on every request, as nginx sends it.

1. Builds two datasets: a small course with few learners and a large one with many lessons
   and learners. The measured lesson holds about 16 KB of text (`bench/lesson_text.py`,
   about 22 KB of HTML); the measured learner has completed lessons and answered a quiz.
2. Counts database queries per page for both, in-process (`CaptureQueriesContext`). The counts
   must not grow with the number of lessons or learners.
3. Builds the peer, wagtail-lms 0.11.1 in its own project (`bench/peer_wagtail_lms/`) on its
   own database: an equal course of H5P lesson pages with the same text, an enrolled learner;
   its queries are counted the same way.
4. Serves Ilm and the peer with gunicorn gthread (2 x cores workers, 2 threads each, as
   docs/deploy.md and issue 15), and measures, interleaved (Ilm, Ilm 1st read, peer, plain,
   Ilm, ... three rounds), the logged-in lesson page read again (kept for the learner, ADR
   0067), the same lesson read for the first time (each request with a query string of its
   own, so it is rendered), the peer's lesson and a plain Django template view of the
   lesson's size (`bench/urls.py`), each with 16 keep-alive connections for a fixed time
   (like wrk). Prints req/s, p50, p99, queries, the ratios and issue 15's goals (Ilm >= 2x
   wagtail-lms, >= 40% of the plain view, <= 6 queries) as met or not. Then the logged-in
   catalogue, and as an anonymous visitor the catalogue and a course page (answered from the
   page cache, ADR 0056) beside a tiny template view (`/bench/plain/?p=0`). Measure ratios
   within one run: absolute figures depend on the machine.
5. Runs `main()` of every `bench/bench_*.py` module in turn (other apps' benchmarks: LRS,
   exports, signing), in a second process (`run.py --modules-only`) with Django set up on
   `bench.settings` (development settings, no debug) and a SQLite database under var/bench/;
   `main()` takes no arguments and prints its own results.

Options: `--quick` (shorter measurements, for a smoke run), `--pages-only`, `--modules-only`.

Figures of one `run.py --pages-only` (2 cores, after ADR 0066; the machine was still shared
with other work, so rounds vary: compare within the run only). Lesson HTML: Ilm 22,202 bytes,
wagtail-lms 17,192.

    page           req/s per round  median  p50 ms  p99 ms
    Ilm lesson       146  142  103     142   112.2   353.8   (3 queries)
    wagtail-lms       77  107  102     102   137.7   356.9   (12 queries)
    plain view       215  241  341     241    56.4   174.2
    Ilm / wagtail-lms 1.40x (goal >= 2x: not met); Ilm / plain 0.59x (goal >= 0.40x: met);
    Ilm 3 queries (goal <= 6: met). Logged-in catalogue 58 req/s (8 queries); tiny view 398,
    anonymous catalogue 722 (1.81x), anonymous course 826 (2.07x).

Before ADR 0066 the same run gave 0.83x wagtail-lms, 0.23x the plain view and 0.26x / 0.54x
the tiny view for the anonymous pages. The load generator opens a connection again and
resends the GET once when gunicorn recycles a worker (`--max-requests 2000`), as a browser
does; a failed request still makes the exit status 1.
"""

import argparse
import http.client
import importlib.util
import itertools
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
sys.path.insert(0, str(ROOT))

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/ilm_bench")
PEER_POSTGRES = POSTGRES.rsplit("/", 1)[0] + "/" + POSTGRES.rsplit("/", 1)[1] + "_peer"
# Redis databases of the benchmark's own (flushed at start): Ilm's cache and sessions, the
# Celery broker (no worker runs: tasks a page would queue wait there, as when a deployment's
# worker is down; no page measured queues one), the peer's cache and sessions.
REDIS = "redis://127.0.0.1:6379/"
REDIS_DBS = {"cache": 11, "broker": 12, "peer": 13}
LESSON_PARAGRAPHS = 30  # about 16 KB of lesson text: about 20 KB of HTML with the layout
CONNECTIONS = 16
ROUNDS = 3
# docs/deploy.md: 2 x cores workers, recycled every 2000 requests (preloaded, so a recycled
# worker is a fork), 60 s timeout; gthread with
# two threads per worker, the configuration issue 15 measured.
WORKERS = 2 * (os.cpu_count() or 1)
THREADS = 2
GUNICORN = ["--worker-class", "gthread", "--workers", str(WORKERS), "--threads", str(THREADS),
            "--max-requests", "2000", "--max-requests-jitter", "200", "--preload",
            "--timeout", "60",
            "--log-level", "warning"]  # fmt: skip
HTTPS = {"X-Forwarded-Proto": "https"}  # what nginx sends (docs/deploy.md)

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
    failures = 0
    if args.modules_only:
        setup_sqlite()
        return 1 if run_bench_modules() else 0
    peer_build = setup_postgres()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    datasets = {name: build_dataset(name, *shape) for name, shape in SIZES.items()}
    failures += report_query_counts(datasets)
    peer = peer_result(peer_build)
    failures += serve_and_measure(datasets["large"], peer, quick=args.quick)
    if not args.pages_only:
        # The modules run on SQLite with bench.settings, in a process of their own: a process
        # sets Django up once.
        failures += subprocess.call([sys.executable, __file__, "--modules-only"], cwd=ROOT) != 0
    return 1 if failures else 0


def setup_sqlite() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ.pop("CELERY_BROKER_URL", None)  # eager tasks: the modules need no worker
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def setup_postgres() -> subprocess.Popen:
    """Production settings on fresh PostgreSQL databases; starts building the peer's."""
    import secrets

    import psycopg

    for url in (POSTGRES, PEER_POSTGRES):
        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    for number in REDIS_DBS.values():
        subprocess.run(["redis-cli", "-n", str(number), "flushdb"], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings_production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SITE_URL": "https://127.0.0.1",
            "DATABASE_URL": POSTGRES,
            "REDIS_URL": f"{REDIS}{REDIS_DBS['cache']}",
            "CELERY_BROKER_URL": f"{REDIS}{REDIS_DBS['broker']}",
            "PEER_SECRET_KEY": secrets.token_urlsafe(50),
            "PEER_DATABASE_URL": PEER_POSTGRES,
            "PEER_REDIS_URL": f"{REDIS}{REDIS_DBS['peer']}",
        }
    )
    for name in ("DEBUG", "DEMO_MODE"):
        os.environ.pop(name, None)
    return subprocess.Popen(
        [sys.executable, "-m", "bench.peer_wagtail_lms.build", str(LESSON_PARAGRAPHS)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def peer_result(build: subprocess.Popen) -> dict:
    import json

    out, _ = build.communicate(timeout=600)
    if build.returncode != 0:
        raise RuntimeError("building the wagtail-lms peer failed")
    return json.loads(out.strip().splitlines()[-1])


# --- Data ------------------------------------------------------------------------------------


def build_dataset(name: str, modules: int, lessons: int, learners: int) -> dict:
    """A published course with an open run, enrolled learners with some progress.

    The measured lesson (the middle one) holds the benchmark's text (`bench/lesson_text.py`);
    the measured learner, the last, has completed lessons and answered a quiz.
    """
    from bench.lesson_text import lesson_html
    from learning import services
    from tests import factories

    started = time.monotonic()
    university = factories.UniversityFactory(code=f"bench-{name}", name=f"Bench {name}")
    course = factories.build_course(
        university, title=f"Bench course ({name})", modules=modules, lessons_per_module=lessons
    )
    run = factories.open_run(course)
    pages = factories.lessons_of(course)
    measured = pages[len(pages) // 2]
    measured.body = [{"type": "rich_text", "value": lesson_html(LESSON_PARAGRAPHS)}] + [
        block for block in measured.body.raw_data if block["type"] != "rich_text"
    ]
    factories.publish(measured)
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
    quiz_lesson = next(lesson for lesson in pages if lesson.quiz_blocks())
    factories.quiz_attempt_answer(enrollment, quiz_lesson)
    print(
        f"dataset {name}: {len(pages)} lessons, {learners} learners "
        f"({time.monotonic() - started:.1f}s)"
    )
    return {
        "name": name,
        "learner": people[-1],
        "lesson_url": measured.get_url(),
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
        client = Client(headers=HTTPS)
        client.force_login(data["learner"])
        client.get(f"{data['lesson_url']}?fresh=0")  # the kept values a real server has warm
        with CaptureQueriesContext(connection) as queries:
            client.get(f"{data['lesson_url']}?fresh=1")  # never read before: rendered
        data["lesson_first_read_queries"] = len(queries)
        counts.setdefault("lesson 1st", {})[name] = len(queries)
        for page in ("lesson_url", "catalogue_url", "dashboard_url"):
            client.get(data[page])  # warm caches a real server would have warm too
            with CaptureQueriesContext(connection) as queries:
                response = client.get(data[page])
            label = page.removesuffix("_url")
            counts.setdefault(label, {})[name] = len(queries)
            data[f"{label}_queries"] = len(queries)
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


def serve_and_measure(data: dict, peer: dict, *, quick: bool) -> int:
    from django.conf import settings
    from django.test import Client

    client = Client(headers=HTTPS)
    client.force_login(data["learner"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    lesson_bytes = len(client.get(data["lesson_url"]).content)
    layout = len(client.get("/bench/plain/?p=0").content)
    per_paragraph = len(client.get("/bench/plain/?p=1").content) - layout
    paragraphs = max(0, round((lesson_bytes - layout) / max(per_paragraph, 1)))
    plain_path = f"/bench/plain/?p={paragraphs}"
    print(f"\nlesson HTML: Ilm {lesson_bytes} bytes, wagtail-lms {peer['bytes']} bytes "
          f"(the same {LESSON_PARAGRAPHS} paragraphs of text)")  # fmt: skip

    port, peer_port = free_port(), free_port()
    servers = [
        subprocess.Popen([sys.executable, "-m", "gunicorn", "lms.wsgi",
                          "--bind", f"127.0.0.1:{port}", *GUNICORN], cwd=ROOT),
        subprocess.Popen([sys.executable, "-m", "gunicorn", "bench.peer_wagtail_lms.wsgi",
                          "--bind", f"127.0.0.1:{peer_port}", *GUNICORN], cwd=ROOT),
    ]  # fmt: skip
    try:
        wait_until_serving(port, "/bench/plain/")
        wait_until_serving(peer_port, peer["lesson_url"], peer["cookie"])
        seconds = 3.0 if quick else 10.0
        print(f"\ngunicorn gthread, {WORKERS} workers x {THREADS} threads each for Ilm and "
              f"for wagtail-lms, {CONNECTIONS} connections, {seconds:.0f}s each")  # fmt: skip
        # The learner reads the lesson again (kept for them, ADR 0067) and for the first time.
        measured = [
            ("Ilm lesson", port, data["lesson_url"], cookie, False),
            ("Ilm 1st read", port, data["lesson_url"], cookie, True),
            ("wagtail-lms", peer_port, peer["lesson_url"], peer["cookie"], False),
            ("plain view", port, plain_path, cookie, False),
        ]
        rounds: dict[str, list[dict]] = {label: [] for label, *_ in measured}
        for _round in range(ROUNDS):
            for label, at, path, sent, fresh in measured:
                rounds[label].append(load(at, path, sent, seconds=seconds, fresh=fresh))
        failures = report_rounds(rounds)
        rps = {label: statistics.median(r["rps"] for r in rs) for label, rs in rounds.items()}
        failures += report_goals(
            rps, data["lesson_queries"], peer["queries"], data["lesson_first_read_queries"]
        )

        # The anonymous pages are answered from the page cache (ADR 0056) after the first
        # request; a tiny template view is their peer.
        pages = [
            ("catalogue", data["catalogue_url"], cookie),
            ("tiny view", "/bench/plain/?p=0", ""),
            ("anon catalogue", data["catalogue_url"], ""),
            ("anon course", data["course_url"], ""),
        ]
        results = {label: load(port, path, sent, seconds=seconds) for label, path, sent in pages}
        print(f"\n  {'page':<16}{'bytes':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
              f"{'errors':>8}{'vs peer':>10}")  # fmt: skip
        for label, r in results.items():
            anonymous = label.startswith("anon")
            peer_rps = results["tiny view"]["rps"] if anonymous else rps["plain view"]
            ratio = r["rps"] / peer_rps if peer_rps else 0
            failures += r["errors"] > 0
            print(f"  {label:<16}{r['bytes']:>8}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}"
                  f"{r['errors']:>8}{ratio:>9.2f}x")  # fmt: skip
        print("  peer: the logged-in catalogue against the plain view (median of the rounds);")
        print("  the anonymous pages against the tiny view")
        return failures
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def report_rounds(rounds: dict[str, list[dict]]) -> int:
    print(f"  {'page':<14}{'bytes':>8}{'req/s per round':>26}{'median':>8}{'p50 ms':>8}"
          f"{'p99 ms':>8}{'errors':>8}")  # fmt: skip
    failures = 0
    for label, rs in rounds.items():
        per_round = " ".join(f"{r['rps']:>7.0f}" for r in rs)
        errors = sum(r["errors"] for r in rs)
        failures += errors > 0
        print(f"  {label:<14}{rs[0]['bytes']:>8}{per_round:>26}"
              f"{statistics.median(r['rps'] for r in rs):>8.0f}"
              f"{statistics.median(r['p50'] for r in rs):>8.1f}"
              f"{statistics.median(r['p99'] for r in rs):>8.1f}{errors:>8}")  # fmt: skip
    print("  p50 and p99: medians over the rounds, each measured A B C A B C ...")
    return failures


def report_goals(
    rps: dict[str, float], ilm_queries: int, peer_queries: int, first_read_queries: int
) -> int:
    """Issue 15's goals for the logged-in lesson page. Not met is reported, not a failure."""
    ilm, peer, plain = rps["Ilm lesson"], rps["wagtail-lms"], rps["plain view"]
    vs_peer = ilm / peer if peer else 0.0
    vs_plain = ilm / plain if plain else 0.0
    first = rps["Ilm 1st read"] / peer if peer else 0.0
    print(f"\n  queries per lesson page: Ilm {ilm_queries} ({first_read_queries} on a first "
          f"read), wagtail-lms {peer_queries}")  # fmt: skip
    print(f"  a first read (rendered, not kept): {first:.2f}x wagtail-lms")
    goals = [
        (f"Ilm / wagtail-lms = {vs_peer:.2f}x", "goal >= 2x", vs_peer >= 2),
        (f"Ilm / plain view  = {vs_plain:.2f}x", "goal >= 0.40x", vs_plain >= 0.4),
        (f"Ilm queries       = {ilm_queries}", "goal <= 6", ilm_queries <= 6),
    ]
    for figure, goal, met in goals:
        print(f"  {figure:<28}{goal:<16}{'met' if met else 'NOT MET'}")
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(port: int, path: str, cookie: str = "", timeout: float = 180.0) -> None:
    """Wait until a worker answers a page: gunicorn binds the port before workers are ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers={**HTTPS, "Cookie": cookie})
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


def load(port: int, path: str, cookie: str, *, seconds: float, fresh: bool = False) -> dict:
    """GET `path` over CONNECTIONS keep-alive connections for `seconds`; time each request.

    Like wrk: a fixed number of connections, each sending its next request when the previous
    answer is read, so the load is bounded and the server is never flooded. With `fresh`,
    each request adds a query string of its own, so no page kept for a reader answers it: the
    page is rendered every time, as on a learner's first read.
    """
    counter = itertools.count()

    def target() -> str:
        return f"{path}?fresh={next(counter)}" if fresh else path

    threads_count = CONNECTIONS
    latencies: list[float] = []
    errors = [0]
    sizes = [0]
    lock = threading.Lock()
    headers = {**HTTPS, "Cookie": cookie, "Accept-Language": "en"}
    timing = {"started": 0.0, "deadline": 0.0}

    def begin():  # run once, when every connection has warmed up
        timing["started"] = time.monotonic()
        timing["deadline"] = timing["started"] + seconds

    start = threading.Barrier(threads_count + 1, action=begin)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            for _warm_up in range(3):
                conn.request("GET", target(), headers=headers)
                conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        while time.monotonic() < timing["deadline"]:
            started = time.perf_counter()
            ok, body = False, b""
            # A kept-alive connection that gunicorn closed (a worker recycled after
            # --max-requests) is opened again and the GET sent once more, as browsers do for
            # an idempotent request; only a second failure counts.
            for _attempt in range(2):
                try:
                    conn.request("GET", target(), headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    ok = response.status == 200
                    break
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                sizes[0] = max(sizes[0], len(body))
                errors[0] += not ok
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - timing["started"]
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
