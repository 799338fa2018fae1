"""Which addresses an external LRS may be at (ADR 0057).

A registrar types the endpoint, and the worker then sends requests there from inside the
deployment: an endpoint on a private, loopback or link-local address would let a registrar
reach services no one outside can (server-side request forgery). Unless
`ILM_XAPI_FORWARD_ALLOW_PRIVATE_HOSTS` is on (tests, and a deployment whose universities run
their LRS on its own network), every address the host name resolves to must be public. The
check runs when the LRS is configured and again before each send (the name may resolve
elsewhere later); redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


def endpoint_refusal(url: str) -> str | None:
    """Why the worker may not send to `url`, or None if it may."""
    if getattr(settings, "ILM_XAPI_FORWARD_ALLOW_PRIVATE_HOSTS", False):
        return None
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return _("The endpoint is not a valid address.")
    if not host:
        return _("The endpoint is not a valid address.")
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        addresses = {info[4][0] for info in found}
    except (OSError, UnicodeError):
        return _("The endpoint's host name %(host)s could not be found.") % {"host": host}
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            return _(
                "The endpoint %(host)s is on a private or local network address; forwarding "
                "goes only to LRSs reachable on the internet."
            ) % {"host": host}
    return None
