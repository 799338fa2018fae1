"""The API documentation page loads its viewer from the project's own static files only."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_api_docs_reference_only_self_hosted_assets_that_are_served(client):
    response = client.get(reverse("reports_api_v1:openapi-view"))
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in scripts)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in assets:
        # Nothing from another origin: no CDN, no protocol-relative URL.
        assert not re.match(r"^(https?:)?//", asset), asset
        assert asset.startswith(settings.STATIC_URL), asset
        relative = asset[len(settings.STATIC_URL) :]
        found = finders.find(relative)
        assert found, f"{asset} is not among the project's static files"
        with open(found, "rb") as file:
            assert len(file.read()) > 0
    # The CSP the page is served with allows those scripts: self only, no CDN host in it.
    csp = response.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp
    assert "cdn" not in csp.lower()


def test_the_viewer_bundle_is_served_by_the_static_files_layer(settings):
    # WhiteNoise serves the collected files in production; here it reads them through the
    # finders (a fresh client builds its middleware with this setting).
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()
    response = client.get(reverse("reports_api_v1:openapi-view"))
    bundle = next(
        a
        for a in re.findall(r'src="([^"]+)"', response.content.decode())
        if a.endswith("swagger-ui-bundle.js")
    )
    served = client.get(bundle)
    assert served.status_code == 200
    body = b"".join(served.streaming_content) if served.streaming else served.content
    assert b"SwaggerUIBundle" in body
