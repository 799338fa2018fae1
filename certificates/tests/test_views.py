import json

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates import services
from certificates.pdf import certificate_context, verification_url
from certificates.verification import Verdict
from tests.factories import PASSWORD, make_member

from .kit import Issuer


def _upload(client, content: bytes, name="credential.json"):
    return client.post("/verify/", {"credential": SimpleUploadedFile(name, content)})


def test_did_document_is_served_at_the_did_web_path(client, issued):
    university = issued.university
    response = client.get(f"/universities/{university.code}/did.json")
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == services.issuer_did(university)
    assert "%3A" in document["id"] or ":" not in services.settings.SITE_URL.split("//")[1]
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    assert "max-age=300" in response["Cache-Control"]
    assert client.get("/universities/nope/did.json", follow=True).status_code == 404


def test_status_list_has_short_cache_headers(client, issued):
    url = json.loads(issued.signed_json)["credentialStatus"]["statusListCredential"]
    path = url.removeprefix(services.settings.SITE_URL)
    response = client.get(path)
    assert response.status_code == 200
    assert "max-age=60" in response["Cache-Control"]
    assert response.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert client.get("/universities/tnu/status/99", follow=True).status_code == 404


def test_verification_page_is_public_and_shows_what_the_credential_holds(client, issued):
    response = client.get(f"/verify/{issued.pk}/")
    assert response.status_code == 200
    assert response.context["result"].verdict == Verdict.VALID
    body = response.content.decode()
    for text in ("Aziza Karimova", "Tajik National University", "Машинное обучение"):
        assert text in body
    assert "record was erased" not in body


def test_verification_page_after_learner_deletion(client, issued, learner):
    learner.delete()
    response = client.get(f"/verify/{issued.pk}/")
    assert response.context["result"].verdict == Verdict.VALID
    assert "record was erased" in response.content.decode()
    assert "Aziza Karimova" in response.content.decode()


def test_revoked_page(client, issued):
    services.credential_revoke(credential=issued, reason="Exam misconduct")
    response = client.get(f"/verify/{issued.pk}/")
    assert response.context["result"].verdict == Verdict.REVOKED
    # The reason is the registrar's business, not the public's.
    assert "Exam misconduct" not in response.content.decode()


def test_signed_json_is_served_byte_for_byte(client, issued):
    expected = issued.signed_json.encode("utf-8")
    by_suffix = client.get(f"/verify/{issued.pk}.json")
    by_accept = client.get(f"/verify/{issued.pk}/", HTTP_ACCEPT="application/ld+json")
    assert by_suffix.content == expected and by_accept.content == expected
    assert by_accept["Content-Type"] == "application/ld+json"


def test_unknown_credential_is_404(client, db):
    # Outside the language prefix a 404 is first redirected to /en/..., which is a 404 too.
    for path in ("/verify/00000000-0000-0000-0000-000000000000/", "/verify/not-a-uuid/"):
        assert client.get(path, follow=True).status_code == 404


def test_upload_of_an_issued_credential_is_valid(client, issued):
    response = _upload(client, issued.signed_json.encode())
    assert response.status_code == 200
    assert response.context["result"].verdict == Verdict.VALID


def test_upload_tampered(client, issued):
    document = json.loads(issued.signed_json)
    document["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    response = _upload(client, json.dumps(document).encode())
    assert response.context["result"].verdict == Verdict.TAMPERED


def test_upload_valid_from_in_the_future(client, issued):
    document = json.loads(issued.signed_json)
    document.pop("proof")
    document["validFrom"] = "2999-01-01T00:00:00Z"
    signed = services._signer(issued.university).sign(document)
    response = _upload(client, json.dumps(signed).encode())
    assert response.context["result"].verdict == Verdict.NOT_YET_VALID


def test_upload_unknown_issuer(client, db):
    response = _upload(client, json.dumps(Issuer(code="elsewhere").credential()).encode())
    assert response.context["result"].verdict == Verdict.UNKNOWN_ISSUER
    assert "could not be looked up" in response.content.decode()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "JSON object"),
        (b"\x89PNG\r\n\x1a\n binary", "UTF-8"),
        (b"{}", "not a verifiable credential"),
        (b" " * (300 * 1024), "larger than"),
    ],
)
def test_upload_hostile_input_gets_a_clear_verdict(client, db, content, message):
    response = _upload(client, content)
    assert response.status_code in (200, 400)
    assert response.context["result"].verdict == Verdict.MALFORMED
    assert message in response.content.decode()


def test_huge_pasted_json_is_refused_cleanly(client, db):
    response = client.post("/verify/", {"json": "x" * (3 * 1024 * 1024)})
    assert response.status_code in (400, 413)
    assert response.context["result"].verdict == Verdict.MALFORMED


def test_empty_form(client, db):
    assert client.get("/verify/").status_code == 200
    response = client.post("/verify/", {})
    assert response.status_code == 400
    assert "Choose a credential file" in response.content.decode()


def test_pdf_is_for_the_learner_only(client, issued, learner):
    assert client.get(f"/certificates/{issued.pk}.pdf", follow=True).status_code == 404
    stranger = make_member("learner", issued.university)
    client.login(email=stranger.email, password=PASSWORD)
    assert client.get(f"/certificates/{issued.pk}.pdf", follow=True).status_code == 404
    client.logout()
    client.login(email=learner.email, password=PASSWORD)
    response = client.get(f"/certificates/{issued.pk}.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    listing = client.get("/certificates/")
    assert verification_url(issued) in listing.content.decode()
    download = client.get(f"/certificates/{issued.pk}/download.json")
    assert download.content == issued.signed_json.encode()


def test_pdf_qr_code_encodes_the_verification_page(issued):
    context = certificate_context(issued)
    url = verification_url(issued)
    assert url.endswith(f"/verify/{issued.pk}/")
    assert context["qr_svg"] == segno.make(url, error="m").svg_inline(scale=3, dark="#111")
    assert context["achievement_name"] == "Машинное обучение"
