"""Run the test SAML identity provider (`run.py`) in a process of its own, on a free port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.services.processes import free_port, wait_for

REPO = Path(__file__).resolve().parents[3]


class SamlIdentityProvider:
    def __init__(self, workdir: Path, *, people: list[dict], sps: list[dict]):
        self.workdir = workdir
        self.port = free_port()
        self.people = people
        self.sps = sps
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def entity_id(self) -> str:
        return f"{self.base}/metadata/"

    @property
    def sso_url(self) -> str:
        return f"{self.base}/sso/"

    @property
    def slo_url(self) -> str:
        return f"{self.base}/slo/"

    def certificate(self) -> str:
        return requests.get(f"{self.base}/cert.pem", timeout=5).text

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"SAML identity provider exited:\n{self.log_tail()}")
        try:
            return requests.get(self.entity_id, timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def log_tail(self) -> str:
        return (self.workdir / "idp.log").read_text(errors="replace")[-4000:]

    def start(self) -> SamlIdentityProvider:
        self.workdir.mkdir(parents=True, exist_ok=True)
        setup = self.workdir / "setup.json"
        setup.write_text(json.dumps({"port": self.port, "people": self.people, "sps": self.sps}))
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env["PYTHONPATH"] = str(REPO)
        with (self.workdir / "idp.log").open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sso.tests.saml_idp.run", str(setup)],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self._ready, timeout=60, what="the SAML identity provider")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
