"""Run the test SAML identity provider (`run.py`) in a process of its own, on a free port."""

from __future__ import annotations

from pathlib import Path

import requests

from tests.services.processes import SecondPartyProcess


class SamlIdentityProvider(SecondPartyProcess):
    module = "sso.tests.saml_idp.run"
    log_name = "idp.log"
    what = "the SAML identity provider"
    ready_path = "/metadata/"

    def __init__(self, workdir: Path, *, people: list[dict], sps: list[dict]):
        super().__init__(workdir, setup={"people": people, "sps": sps})

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
