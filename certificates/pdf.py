"""The printable certificate: A4 landscape, in the course language and English, with the
issuer's (and a joint program's partners') names and logos, a signature and seal area, and a
QR code that leads to the public verification page.

The PDF is a convenience; the signed JSON is the credential. What the credential says (names,
credits, score, date) is read from the signed document; what it does not carry (logos, the
signatory) is the university's current choice, drawn when the PDF is downloaded.
"""

from __future__ import annotations

import base64
import json
import mimetypes
from decimal import Decimal, InvalidOperation

import segno
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML

from accounts.languages import language_served
from courses.models import CoursePage
from universities.models import University

from .models import Credential
from .policies import certificate_signatory
from .services import site_url

# The certificate's words, printed in the course language with English beside them.
LABELS = {
    "title": _("Certificate of completion"),
    "certifies": _("This certifies that"),
    "completed": _("has completed"),
    "jointly": _("Awarded jointly with"),
    "credits": _("Credits"),
    "score": _("Final score"),
    "verify": _("Verify this certificate at"),
}

# Logos are drawn at most this large (CSS px); a rendition keeps the PDF small.
LOGO_RENDITION = "max-480x240"


def verification_url(credential: Credential) -> str:
    return site_url(f"/verify/{credential.pk}/")


def short_verification_url(credential: Credential) -> str:
    """The address printed under the QR code, without the scheme a reader need not type."""
    return verification_url(credential).split("://", 1)[-1]


def credits_text(value) -> Decimal | None:
    """Credits as the course page and catalogue show them: the course field's precision
    ("5.0", not the credential's plain number 5)."""
    if value is None or isinstance(value, bool):
        return None
    places = CoursePage._meta.get_field("ects_credits").decimal_places
    try:
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        return None


def logo_data_uri(university: University) -> str:
    """The university's logo as a data: URI (WeasyPrint fetches nothing), or "" if none.

    Images sit behind the media gate, so the file is read from storage, not over HTTP.
    """
    image = university.logo
    if image is None:
        return ""
    try:
        is_svg = image.file.name.lower().endswith(".svg")
        source = image if is_svg else image.get_rendition(LOGO_RENDITION)
        with source.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""  # a logo whose file is gone must not cost the learner their certificate
    mime = mimetypes.guess_type(source.file.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def bilingual_labels(language: str) -> dict[str, dict[str, str]]:
    """Each label in `language`, and in English when that reads differently (an untranslated
    label is printed once, not twice)."""
    with translation.override(language):
        local = {key: str(text) for key, text in LABELS.items()}
    with translation.override("en"):
        english = {key: str(text) for key, text in LABELS.items()}
    return {
        key: {"text": local[key], "en": english[key] if english[key] != local[key] else ""}
        for key in LABELS
    }


def _learner_language(credential: Credential) -> str:
    learner = credential.learner
    preferred = getattr(learner, "preferred_language", "") if learner else ""
    return language_served(preferred) or language_served(credential.language) or "en"


def _university_entry(university: University, language: str) -> dict:
    return {
        "code": university.code,
        "name": university.localized_name(language),
        "name_en": university.localized_name("en"),
        "logo": logo_data_uri(university),
    }


def certificate_context(credential: Credential) -> dict:
    document = json.loads(credential.signed_json)
    subject = document.get("credentialSubject", {})
    achievement = subject.get("achievement", {})
    related = (achievement.get("related") or [{}])[0]
    url = verification_url(credential)
    learner_language = _learner_language(credential)
    with translation.override(learner_language):
        issued_on = formats.date_format(credential.issued_at.date(), "DATE_FORMAT")
    university = credential.university
    # A joint program's partners are those who endorsed the credential (services.py signs an
    # endorsement per partner); a course certificate has none to look up.
    endorsements = (
        credential.endorsements.select_related("university__logo").order_by("university__code")
        if credential.kind == Credential.Kind.PROGRAM
        else ()
    )
    partners = [
        _university_entry(endorsement.university, credential.language)
        for endorsement in endorsements
    ]
    signatory_name, signatory_title = certificate_signatory(university)
    return {
        "credential": credential,
        "document": document,
        "issuer_name": document.get("issuer", {}).get("name", ""),
        "issuer": _university_entry(university, credential.language),
        "partners": partners,
        "is_joint": bool(partners),
        "recipient_name": credential.recipient_name,
        "achievement_name": achievement.get("name", ""),
        "achievement_name_en": related.get("name") or achievement.get("name", ""),
        "credits": credits_text(achievement.get("creditsAvailable")),
        "score": ((subject.get("result") or [{}])[0]).get("value"),
        "issued_on": issued_on,
        "learner_language": learner_language,
        "language": credential.language,
        "labels": bilingual_labels(credential.language),
        "signatory_name": signatory_name,
        "signatory_title": signatory_title,
        "verification_url": url,
        "short_url": short_verification_url(credential),
        "qr_svg": segno.make(url, error="m").svg_inline(scale=3, dark="#111"),
    }


def certificate_html(credential: Credential) -> str:
    """The HTML WeasyPrint lays out."""
    context = certificate_context(credential)
    # Labels are rendered in the course language and English by the template's
    # {% language %} blocks; pin the surrounding language so output does not vary.
    with translation.override("en"):
        return render_to_string("certificates/certificate_pdf.html", context)


def render_certificate(credential: Credential):
    """The laid-out WeasyPrint document (pages, sizes), before it is written as PDF."""
    return HTML(string=certificate_html(credential), base_url=site_url("/")).render()


def certificate_pdf(credential: Credential) -> bytes:
    return render_certificate(credential).write_pdf()
