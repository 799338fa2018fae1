"""The printable certificate: A4, in the course language and English, with a QR code that
leads to the public verification page. The PDF is a convenience; the signed JSON is the
credential."""

from __future__ import annotations

import json

import segno
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from .models import Credential
from .services import site_url


def verification_url(credential: Credential) -> str:
    return site_url(f"/verify/{credential.pk}/")


def certificate_context(credential: Credential) -> dict:
    document = json.loads(credential.signed_json)
    subject = document.get("credentialSubject", {})
    achievement = subject.get("achievement", {})
    related = (achievement.get("related") or [{}])[0]
    url = verification_url(credential)
    return {
        "credential": credential,
        "document": document,
        "issuer_name": document.get("issuer", {}).get("name", ""),
        "recipient_name": credential.recipient_name,
        "achievement_name": achievement.get("name", ""),
        "achievement_name_en": related.get("name") or achievement.get("name", ""),
        "credits": achievement.get("creditsAvailable"),
        "score": ((subject.get("result") or [{}])[0]).get("value"),
        "issued_on": credential.issued_at.date().isoformat(),
        "language": credential.language,
        "verification_url": url,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=3, dark="#111"),
    }


def render_certificate(credential: Credential):
    """The laid-out WeasyPrint document (pages, sizes), before it is written as PDF."""
    context = certificate_context(credential)
    # Labels are rendered in the course language and English by the template's
    # {% language %} blocks; pin the surrounding language so output does not vary.
    with translation.override("en"):
        html = render_to_string("certificates/certificate_pdf.html", context)
    return HTML(string=html, base_url=site_url("/")).render()


def certificate_pdf(credential: Credential) -> bytes:
    return render_certificate(credential).write_pdf()
