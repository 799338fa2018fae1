"""Start the test LTI platform: `python -m lti.tests.platform.run --port 9100 [--workdir DIR]`.

A fresh RSA key is generated here, at every start; the database is a SQLite file in the
work directory (a temporary one when none is named).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from jwcrypto import jwk


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A test LTI 1.3 Advantage platform.")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="lti-platform-"))
    workdir.mkdir(parents=True, exist_ok=True)
    key = jwk.JWK.generate(kty="RSA", size=2048)
    key.update(kid=key.thumbprint(), alg="RS256", use="sig")
    os.environ["PLATFORM_KEY"] = key.export_private()
    os.environ["PLATFORM_DB"] = str(workdir / "platform.sqlite3")
    os.environ["PLATFORM_ISSUER"] = f"http://127.0.0.1:{args.port}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "lti.tests.platform.settings"

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import run

    from . import store

    store.open_store(os.environ["PLATFORM_DB"])
    print(f"LTI test platform at {os.environ['PLATFORM_ISSUER']}", flush=True)
    run("127.0.0.1", args.port, WSGIHandler(), threading=True)


if __name__ == "__main__":
    main()
