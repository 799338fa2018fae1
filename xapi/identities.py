"""How the LRS names the people and parties it knows in statements: learners, the platform
and LRS clients. Plain functions of a user or client; the access gates and the statement
store both build on them, and other apps use them to write statements (the H5P player).
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from .models import LRSClient


def learner_account_home_page() -> str:
    """The account homePage under which Ilm names its own users in statements."""
    return settings.SITE_URL


def learner_agent(user) -> dict:
    """The xAPI Agent for an Ilm user: an opaque account, so statements carry no email."""
    return {
        "objectType": "Agent",
        "account": {"homePage": learner_account_home_page(), "name": str(user.pk)},
    }


def platform_authority() -> dict:
    """The authority for statements the platform itself vouches for (e.g. the H5P player)."""
    return {
        "objectType": "Agent",
        "name": "Ilm",
        "account": {"homePage": learner_account_home_page(), "name": "ilm-platform"},
    }


def client_authority(client: LRSClient) -> dict:
    """The authority for statements sent with an LRS client's Basic-auth credentials."""
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": f"{settings.SITE_URL}/xapi/clients", "name": client.key},
    }


def learner_id_from_agent(agent: dict) -> int | None:
    """The Ilm user id an Agent names through our own account homePage, if any."""
    account = agent.get("account") if isinstance(agent, dict) else None
    if not account or account.get("homePage") != learner_account_home_page():
        return None
    name = account.get("name", "")
    # isdigit() alone accepts digits int() refuses (superscripts): ids are ASCII, and fit
    # the database's 64-bit keys, so a longer number names no user and is not looked up.
    if not isinstance(name, str) or not (name.isascii() and name.isdigit()) or len(name) > 18:
        return None
    return int(name)


def learner_ifis(user, emails) -> set[str]:
    """Every identifier (as `agent_ifi` spells it) a statement could name `user` by: Ilm's own
    account, and `mbox` / `mbox_sha1sum` of each of their email addresses, which outside tools
    sending through an LRS client use. The learner's download and erasure look for all of them.
    """
    ifis = {f"account:{learner_account_home_page()}|{user.pk}"}
    for email in emails:
        mbox = f"mailto:{email}"
        local, _, domain = mbox.rpartition("@")
        ifis.add(f"mbox:{local}@{domain.lower()}")
        ifis.add("mbox_sha1sum:" + hashlib.sha1(mbox.encode(), usedforsecurity=False).hexdigest())
    return ifis
