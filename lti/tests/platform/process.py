"""Run the test LTI platform (`run.py`) in a process of its own: `with LtiPlatform(dir) as p`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[3]
START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LtiPlatform:
    """The platform on 127.0.0.1 with its own SQLite file in `workdir` and a fresh RSA key."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir = Path(workdir)
        self.port = port or _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return self.url

    @property
    def log_path(self) -> Path:
        return self.workdir / "platform.log"

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"the LTI platform exited:\n{self.log_tail()}")
        try:
            address = f"{self.url}/.well-known/openid-configuration"
            return requests.get(address, timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def start(self) -> LtiPlatform:
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env["PYTHONPATH"] = str(REPO)
        command = [sys.executable, "-m", "lti.tests.platform.run", "--port", str(self.port)]
        command += ["--workdir", str(self.workdir)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready():
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"the LTI platform did not answer:\n{self.log_tail()}")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def __enter__(self) -> LtiPlatform:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
