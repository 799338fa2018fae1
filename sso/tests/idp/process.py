"""Run the test identity provider (`run.py`) in a process of its own, on a free port."""

from __future__ import annotations

from pathlib import Path

from tests.services.processes import SecondPartyProcess


class IdentityProvider(SecondPartyProcess):
    module = "sso.tests.idp.run"
    log_name = "idp.log"
    what = "the identity provider"
    ready_path = "/o/.well-known/openid-configuration"

    def __init__(self, workdir: Path, *, people: list[dict], clients: list[dict]):
        super().__init__(workdir, setup={"people": people, "clients": clients})

    @property
    def issuer(self) -> str:
        return f"{self.base}/o"
