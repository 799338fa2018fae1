"""Start the test identity provider: `python -m sso.tests.idp.run SETUP.json`.

SETUP.json names the port, the people (username, password, claims) and the clients (id,
secret, redirect URIs). An RSA key is generated here, at start; the database is a fresh SQLite
file next to SETUP.json.
"""

import json
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def main(setup_path: str) -> None:
    setup = json.loads(Path(setup_path).read_text())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    os.environ["IDP_RSA_KEY"] = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    os.environ["IDP_DB"] = str(Path(setup_path).with_suffix(".sqlite3"))
    os.environ["IDP_ISSUER"] = f"http://127.0.0.1:{setup['port']}/o"
    os.environ["IDP_PEOPLE"] = json.dumps({p["username"]: p["claims"] for p in setup["people"]})
    os.environ["DJANGO_SETTINGS_MODULE"] = "sso.tests.idp.settings"

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for person in setup["people"]:
        User.objects.create_user(person["username"], password=person["password"])
    for client in setup["clients"]:
        Application.objects.create(
            client_id=client["id"],
            client_secret=client["secret"],
            hash_client_secret=False,
            name=client["id"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            post_logout_redirect_uris=" ".join(client.get("post_logout_redirect_uris", [])),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    call_command("runserver", f"127.0.0.1:{setup['port']}", "--noreload", verbosity=0)


if __name__ == "__main__":
    main(sys.argv[1])
