"""Run the test LTI platform (`run.py`) in a process of its own: `with LtiPlatform(dir) as p`."""

from __future__ import annotations

from tests.services.processes import SecondPartyProcess


class LtiPlatform(SecondPartyProcess):
    """The platform on 127.0.0.1 with its own SQLite file in `workdir` and a fresh RSA key."""

    module = "lti.tests.platform.run"
    log_name = "platform.log"
    what = "the LTI platform"
    ready_path = "/.well-known/openid-configuration"

    @property
    def url(self) -> str:
        return self.base

    @property
    def issuer(self) -> str:
        return self.url

    def arguments(self) -> list[str]:
        return ["--port", str(self.port), "--workdir", str(self.workdir)]
