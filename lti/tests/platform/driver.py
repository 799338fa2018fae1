"""`PlatformDriver(platform)`: the test platform's driver endpoints through `requests`, so a
test reads as what an LMS administrator or teacher does."""

from __future__ import annotations

import requests


class PlatformDriver:
    def __init__(self, platform, timeout: float = 10):
        self.base = platform.url if hasattr(platform, "url") else str(platform)
        self.timeout = timeout

    def _post(self, path: str, data: dict) -> dict:
        response = requests.post(f"{self.base}{path}", json=data, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def _get(self, path: str) -> dict:
        response = requests.get(f"{self.base}{path}", timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def registration_start(self, initiation_url: str) -> str:
        """The URL that opens the tool's dynamic registration with a fresh token."""
        return self._post("/driver/registration-start", {"initiation_url": initiation_url})["url"]

    def add_client(
        self,
        *,
        initiate_login_uri: str,
        redirect_uris: list[str],
        jwks_uri: str,
        target_link_uri: str,
        name: str = "",
    ) -> dict:
        """Manual registration: client_id, deployment_id, issuer, auth/token/keyset URLs."""
        data = {
            "initiate_login_uri": initiate_login_uri,
            "redirect_uris": redirect_uris,
            "jwks_uri": jwks_uri,
            "target_link_uri": target_link_uri,
            "name": name,
        }
        return self._post("/driver/clients", data)

    def clients(self) -> list[dict]:
        return self._get("/driver/clients")["clients"]

    def launch(self, client_id: str, user: dict, **options) -> str:
        """The tool's login-initiation URL of a launch; options: deployment_id, locale,
        context, message_type, resource_link_id, resource_link_title, target_link_uri,
        custom, tamper."""
        return self._post("/driver/launch", dict(options, client_id=client_id, user=user))[
            "login_url"
        ]

    def deep_linking_launch(self, client_id: str, user: dict, **options) -> str:
        return self.launch(client_id, user, message_type="LtiDeepLinkingRequest", **options)

    def links(self) -> list[dict]:
        return self._get("/driver/links")["links"]

    def lineitems(self) -> list[dict]:
        return self._get("/driver/lineitems")["lineitems"]

    def scores(self) -> list[dict]:
        return self._get("/driver/scores")["scores"]

    def refuse_scores(self, status: int = 503, times: int = 1) -> dict:
        return self._post("/driver/refuse-scores", {"status": status, "times": times})

    def set_roster(self, context: dict, members: list[dict]) -> dict:
        return self._post("/driver/roster", {"context": context, "members": members})
