"""Start the test SAML identity provider: `python -m sso.tests.saml_idp.run SETUP.json`.

A university's SAML 2.0 IdP for the sign-in tests, built on pysaml2 (which signs with the
`xmlsec1` program) and served by `wsgiref` on loopback. SETUP.json names the port, the people
(username, password, attributes, and optionally a `quirk`) and the service providers (entity
id, ACS URL, SLO URL). A signing key and a self-signed certificate are made here, at start;
`/cert.pem` and `/metadata/` publish them.

A person's `quirk` makes the IdP misbehave the way a broken or hostile one would:
`"audience"` issues the assertion to another service provider (the first SP listed after
Ilm), `"expired"` issues one whose validity ended half an hour ago.
"""

from __future__ import annotations

import base64
import datetime
import html
import json
import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

ATTRIBUTE_FORMAT_BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"


def key_and_cert(workdir: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-idp.alpha.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = workdir / "idp.key", workdir / "idp.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def sp_metadata(sp: dict) -> str:
    """A minimal SP metadata document: what the IdP must know of a service provider."""
    slo = (
        f'<md:SingleLogoutService Binding="{BINDING_HTTP_REDIRECT}" Location="{sp["slo"]}"/>'
        if sp.get("slo")
        else ""
    )
    return (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'entityID="{html.escape(sp["entity_id"])}">'
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f"{slo}"
        f'<md:AssertionConsumerService Binding="{BINDING_HTTP_POST}" '
        f'Location="{html.escape(sp["acs"])}" index="1"/>'
        "</md:SPSSODescriptor></md:EntityDescriptor>"
    )


def server(setup: dict, workdir: Path, key: Path, cert: Path, *, minutes: int) -> Server:
    base = f"http://127.0.0.1:{setup['port']}"
    for number, sp in enumerate(setup["sps"]):
        (workdir / f"sp{number}.xml").write_text(sp_metadata(sp))
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base}/metadata/",
            "xmlsec_binary": shutil.which("xmlsec1"),
            "key_file": str(key),
            "cert_file": str(cert),
            "metadata": {"local": [str(workdir / f"sp{n}.xml") for n in range(len(setup["sps"]))]},
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{base}/sso/", BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{base}/slo/", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "sign_response": True,
                    "sign_assertion": True,
                    "want_authn_requests_signed": False,
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": minutes},
                            "attribute_restrictions": None,
                            "name_form": ATTRIBUTE_FORMAT_BASIC,
                        }
                    },
                }
            },
        }
    )
    return Server(config=config)


def page(body: str) -> bytes:
    return f"<!doctype html><html><body>{body}</body></html>".encode()


def post_form(url: str, name: str, value: str, relay_state: str | None) -> bytes:
    relay = (
        f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
        if relay_state
        else ""
    )
    return page(
        f'<form method="post" action="{html.escape(url)}">'
        f'<input type="hidden" name="{name}" value="{html.escape(value)}">{relay}'
        '<button type="submit">Continue</button></form>'
    )


class App:
    def __init__(self, setup: dict, workdir: Path):
        key, cert = key_and_cert(workdir)
        self.cert = cert.read_text()
        self.idp = server(setup, workdir, key, cert, minutes=15)
        self.stale = server(setup, workdir, key, cert, minutes=-30)
        self.people = {person["username"]: person for person in setup["people"]}
        self.sps = setup["sps"]

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = {
                k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()
            }
        else:
            form = {}
        try:
            status, content_type, body = self.route(path, query, form)
        except Exception as error:  # a test IdP tells the test what went wrong
            status, content_type, body = "400 Bad Request", "text/plain", repr(error).encode()
        headers = [("Content-Type", content_type)]
        if status.startswith("303"):
            headers.append(("Location", body.decode()))
        start_response(status, headers)
        return [body]

    def route(self, path: str, query: dict, form: dict):
        if path == "/metadata/":
            xml = str(entity_descriptor(self.idp.config))
            return "200 OK", "text/xml", xml.encode()
        if path == "/cert.pem":
            return "200 OK", "text/plain", self.cert.encode()
        if path == "/sso/":
            return self.single_sign_on(query, form)
        if path == "/slo/":
            return self.single_logout(query)
        return "404 Not Found", "text/plain", b"not found"

    def single_sign_on(self, query: dict, form: dict):
        saml_request = form.get("SAMLRequest") or query["SAMLRequest"]
        relay_state = form.get("RelayState") or query.get("RelayState")
        request = self.idp.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
        person = self.people.get(form.get("username", ""))
        if person is None or person["password"] != form.get("password"):
            relay = html.escape(relay_state or "")
            return (
                "200 OK",
                "text/html",
                page(
                    '<form method="post" action="/sso/">'
                    f'<input type="hidden" name="SAMLRequest" value="{html.escape(saml_request)}">'
                    f'<input type="hidden" name="RelayState" value="{relay}">'
                    '<input name="username"><input name="password" type="password">'
                    '<button type="submit">Sign in</button></form>'
                ),
            )
        quirk = person.get("quirk")
        issuer = self.stale if quirk == "expired" else self.idp
        audience = self.sps[1]["entity_id"] if quirk == "audience" else request.issuer.text
        response = issuer.create_authn_response(
            identity=person["attributes"],
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=audience,
            name_id_policy=None,
            userid=person["username"],
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_response=True,
            sign_assertion=True,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        saml_response = base64.b64encode(str(response).encode()).decode()
        return (
            "200 OK",
            "text/html",
            post_form(
                request.assertion_consumer_service_url, "SAMLResponse", saml_response, relay_state
            ),
        )

    def single_logout(self, query: dict):
        request = self.idp.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT).message
        sp = next(sp for sp in self.sps if sp["entity_id"] == request.issuer.text)
        response = self.idp.create_logout_response(
            request, [BINDING_HTTP_REDIRECT], sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256
        )
        info = self.idp.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            destination=sp["slo"],
            relay_state=query.get("RelayState"),
            response=True,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        location = dict(info["headers"])["Location"]
        return "303 See Other", "text/plain", location.encode()


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write("idp: " + format % args + "\n")


def main(setup_path: str) -> None:
    setup = json.loads(Path(setup_path).read_text())
    app = App(setup, Path(setup_path).parent)
    with make_server("127.0.0.1", setup["port"], app, handler_class=QuietHandler) as httpd:
        httpd.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
