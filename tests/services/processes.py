"""Real service processes for the services suite: a private `redis-server` and `celery worker`,
and the base of the second parties the SSO and LTI tests start (`SecondPartyProcess`).

Each runs in its own process group so a test can SIGKILL a worker with its pool children at
once, and every helper has a bounded wait: a process that does not come up fails the test with
the tail of its log instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

START_TIMEOUT = 60.0
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, interval=0.1):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class RedisServer:
    """A throw-away redis-server on a port of its own, without persistence."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir = workdir
        self.port = port or free_port()
        self.log_path = workdir / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, db=0, socket_timeout=2)

    def ping(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:
            return False

    def start(self) -> RedisServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        # Its own process group: a Ctrl-C on the test run does not orphan it halfway.
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.workdir),
                "--logfile", str(self.log_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_for(self.ping, timeout=START_TIMEOUT, what=f"redis-server on {self.port}")
        except TimeoutError as error:
            self.stop()
            raise TimeoutError(f"{error}\n{_log_tail(self.log_path)}") from None
        return self

    def stop(self) -> None:
        """Stop the server at once (SIGKILL: a broker that vanishes, not one shutting down)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        self.process = None
        wait_for(lambda: not self.ping(), timeout=30, what=f"redis on {self.port} to stop")


class SecondPartyProcess:
    """A second party of a test (an OpenID provider, a SAML IdP, an LTI platform) served by
    `python -m <module>` on 127.0.0.1 in a process group of its own, with its log in `workdir`.

    A subclass names its `module`, its `log_name`, what it is (`what`, for messages) and the
    path that answers 200 once it is up (`ready_path`), and gives its command-line arguments;
    a party configured by a JSON file gets `setup`, written to `workdir/setup.json` with the
    port added, and the file's path as its only argument.
    Use it as `with Subclass(workdir) as party:` or `start()`/`stop()`.
    """

    module: str
    log_name: str
    what: str
    ready_path: str

    def __init__(self, workdir: Path, port: int | None = None, *, setup: dict | None = None):
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.setup = setup
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / self.log_name

    def arguments(self) -> list[str]:
        """The arguments after `-m module`; called once `workdir` exists."""
        if self.setup is None:
            return []
        path = self.workdir / "setup.json"
        path.write_text(json.dumps({"port": self.port, **self.setup}))
        return [str(path)]

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def _ready(self) -> bool:
        import requests

        if self.process.poll() is not None:
            raise RuntimeError(f"{self.what} exited:\n{self.log_tail()}")
        try:
            return requests.get(self.base + self.ready_path, timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def start(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", self.module, *self.arguments()]
        # The party configures itself; the test's Django settings must not leak into it.
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env["PYTHONPATH"] = str(REPO)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for(self._ready, timeout=START_TIMEOUT, what=self.what)
        except TimeoutError as error:
            self.stop()
            raise TimeoutError(f"{error}\n{self.log_tail()}") from None
        return self

    def stop(self) -> None:
        """SIGTERM the process group, then SIGKILL if it has not exited within 10 s."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def worker_database_url() -> str:
    """The URL of the database this test process uses now (pytest-django's test database),
    so that a worker process reads and writes the rows the test committed."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError(
            "The services suite needs PostgreSQL shared between the test and the worker: "
            "run it with DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name> "
            "(`make test-services` does)."
        )
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


class CeleryWorker:
    """`celery -A lms worker` with the prefork pool and one child, like production's smallest
    worker, plus the tests-only task modules given in `include`."""

    def __init__(
        self,
        workdir: Path,
        *,
        broker_url: str,
        database_url: str,
        include: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ):
        self.workdir = workdir
        self.broker_url = broker_url
        self.database_url = database_url
        self.include = include
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self.starts = 0

    def environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            # Nothing of pytest's own process state leaks into the worker.
            if not key.startswith(("PYTEST_", "DJANGO_", "CELERY_")) and key != "REDIS_URL"
        }
        env.update(
            DJANGO_SETTINGS_MODULE="lms.settings.test",
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=self.broker_url,
            PYTHONUNBUFFERED="1",
            # Both processes must sign with the same key-encryption key (test settings
            # derive it from SECRET_KEY, which the worker inherits unchanged).
            SECRET_KEY=settings.SECRET_KEY,
        )
        env.update(self.extra_env)
        return env

    def start(self) -> CeleryWorker:
        assert self.process is None, "worker already running"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        self.log_path = self.workdir / f"worker-{self.starts}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "lms", "worker",
            "--pool", "prefork", "--concurrency", "1",
            "--hostname", f"services-{uuid.uuid4().hex[:8]}@%h",
            "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        if self.include:
            command += ["--include", ",".join(self.include)]
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own: killed as one
        )
        log.close()
        try:
            wait_for(self._ready, timeout=START_TIMEOUT, what="the Celery worker to be ready")
        except TimeoutError as error:
            self.stop()
            raise TimeoutError(f"{error}\n{self.log_tail()}") from None
        return self

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited early:\n{self.log_tail()}")
        return " ready." in self.log_path.read_text(errors="replace")

    def log_tail(self) -> str:
        return _log_tail(self.log_path) if self.log_path else "(not started)"

    def kill(self) -> None:
        """SIGKILL the worker and its pool children together, as a crashed machine would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._wait_group_gone(self.process.pid)
        self.process = None

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL if it does not finish in time."""
        if self.process is None:
            return
        pid = self.process.pid
        with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._wait_group_gone(pid)
        self.process = None

    @staticmethod
    def _wait_group_gone(pgid: int) -> None:
        def gone() -> bool:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return True
            except PermissionError:
                return False
            return False

        wait_for(gone, timeout=30, what=f"process group {pgid} to exit")
