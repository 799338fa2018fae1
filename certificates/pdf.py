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


def certificate_pdf(credential: Credential) -> bytes:
    context = certificate_context(credential)
    # Labels are rendered in English inside the template's {% language %} blocks; the
    # surrounding language only decides number formatting, so pin it.
    with translation.override("en"):
        html = render_to_string("certificates/certificate_pdf.html", context)
    return HTML(string=html, base_url=site_url("/")).write_pdf()
