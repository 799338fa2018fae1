"""The public verification page: a verdict in colour and words, each check, the issuer, the
language links, the share box and "Add to LinkedIn" for a valid credential only."""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import formats, translation
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from accounts.languages import language_served
from certificates import services, verification_display
from certificates.pdf import verification_url
from certificates.verification import Verdict, VerificationResult


def page(client, credential, **params):
    response = client.get(f"/verify/{credential.pk}/", params)
    assert response.status_code == 200
    return response, response.content.decode()


def outcomes(body: str) -> dict[str, str]:
    """Check label -> outcome class, as the page lists them."""
    found = re.findall(r'class="check check-([a-z-]+)".*?<strong>(.*?)</strong>', body, re.S)
    return {label: outcome for outcome, label in found}


def tone(body: str) -> str:
    return re.search(r'class="verdict-box verdict-[a-z-]+ tone-([a-z]+)"', body).group(1)


def language_links(body: str) -> dict[str, str]:
    switcher = body.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    return {
        code: html_lib.unescape(href)
        for href, code in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', switcher)
    }


def test_a_valid_credential_says_so_in_colour_with_each_check(client, issued):
    _response, body = page(client, issued)
    assert tone(body) == "valid" and 'class="verdict-icon"' in body
    assert "This credential is valid." in body
    assert outcomes(body) == {
        "Signature": "passed",
        "Issuer": "passed",
        "Revocation status": "passed",
        "Validity dates": "passed",
    }
    assert services.issuer_did(issued.university) in body  # the issuer's identity
    assert "Tajik National University" in body
    assert f'value="{verification_url(issued)}"' in body  # the share box


def test_a_valid_credential_offers_linkedin_with_its_details(client, issued):
    _response, body = page(client, issued)
    href = html_lib.unescape(re.search(r'class="linkedin" href="([^"]+)"', body).group(1))
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    document = json.loads(issued.signed_json)
    issued_at = datetime.fromisoformat(document["validFrom"].replace("Z", "+00:00"))
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": document["name"],
        "organizationName": "Tajik National University",
        "issueYear": str(issued_at.year),
        "issueMonth": str(issued_at.month),
        "certUrl": verification_url(issued),
        "certId": str(issued.pk),
    }


def test_a_revoked_credential_is_red_and_not_offered_for_a_profile(client, issued):
    services.credential_revoke(credential=issued, reason="Exam misconduct")
    _response, body = page(client, issued)
    assert tone(body) == "revoked"
    assert "has been revoked by its issuer" in body
    assert outcomes(body) == {
        "Signature": "passed",
        "Issuer": "passed",
        "Revocation status": "failed",
        "Validity dates": "not-checked",
    }
    assert "linkedin.com" not in body
    assert 'id="share-url"' in body  # the link can still be shared: it tells the truth


def test_an_expired_credential_is_amber(client, issued):
    document = json.loads(issued.signed_json)
    document.pop("proof")
    document["validUntil"] = "2020-01-01T00:00:00Z"
    document["validFrom"] = "2019-01-01T00:00:00Z"
    signed = services._signer(issued.university).sign(document)
    upload = SimpleUploadedFile("c.json", json.dumps(signed).encode())
    body = client.post("/verify/", {"credential": upload}).content.decode()
    assert tone(body) == "expired" and "not valid at this date" in body
    assert outcomes(body)["Validity dates"] == "failed"
    assert outcomes(body)["Signature"] == "passed"


def test_a_tampered_upload_is_invalid_and_later_checks_are_not_claimed(client, issued):
    document = json.loads(issued.signed_json)
    document["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    upload = SimpleUploadedFile("c.json", json.dumps(document).encode())
    body = client.post("/verify/", {"credential": upload}).content.decode()
    assert tone(body) == "invalid" and "could not be verified" in body
    assert outcomes(body) == {
        "Signature": "failed",
        "Issuer": "not-checked",
        "Revocation status": "not-checked",
        "Validity dates": "not-checked",
    }


@pytest.mark.parametrize("verdict", list(Verdict))
def test_every_verdict_has_a_tone_words_and_four_checks(verdict):
    result = VerificationResult(verdict)
    checks = verification_display.checks(result)
    assert [check.key for check in checks] == ["signature", "issuer", "status", "dates"]
    assert all(check.detail and check.outcome_label for check in checks)
    passed = [check.outcome == "passed" for check in checks]
    assert all(passed) == (verdict == Verdict.VALID)
    assert verification_display.tone(result) in {"valid", "revoked", "expired", "invalid"}
    assert verification_display.headline(result)


def test_each_language_link_leads_to_that_language_of_the_same_page(client, issued):
    _response, body = page(client, issued)
    links = language_links(body)
    others = {code for code, _name in settings.LANGUAGES} - {"en"}
    assert set(links) == others  # English, the current language, is not a link
    assert len(set(links.values())) == len(links)  # no longer seven times the same URL
    for code, href in links.items():
        assert href == f"/verify/{issued.pk}/?lang={code}"
        response = client.get(href)
        assert response.status_code == 200
        assert f'<html lang="{code}"' in response.content.decode()


def test_the_chosen_language_is_remembered(client, issued):
    response, body = page(client, issued, lang="ru")
    assert '<html lang="ru"' in body and "Проверка сертификата" in body
    issued_on = datetime.fromisoformat(json.loads(issued.signed_json)["validFrom"]).date()
    with translation.override("ru"):
        assert formats.date_format(issued_on, "DATE_FORMAT") in body  # the reader's date
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    # Back at the printed address (no ?lang=), the page stays in Russian.
    _response, again = page(client, issued)
    assert '<html lang="ru"' in again
    assert language_links(again)["en"] == f"/verify/{issued.pk}/?lang=en"


@pytest.mark.parametrize("value", ["de", "", "x" * 5000, "../ru", "ru\x00", "RU", "zh-Hans"])
def test_a_strange_lang_parameter_never_fails(client, issued, value):
    response = client.get(f"/verify/{issued.pk}/", {"lang": value})
    assert response.status_code == 200
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    served = {"RU": "ru", "zh-Hans": "zh-hans"}.get(value)
    assert (cookie.value if cookie else None) == served


def test_the_linkedin_url_leaves_out_a_date_it_cannot_read():
    url = verification_display.linkedin_add_url(
        name="AI & ethics",
        organization="TNU",
        issued="soon",
        url="https://x/v/1/",
        credential_id="1",
    )
    query = parse_qs(urlsplit(url).query)
    assert query["name"] == ["AI & ethics"] and "issueYear" not in query


def test_lang_on_the_signed_json_sets_no_language(client, issued):
    response = client.get(f"/verify/{issued.pk}.json", {"lang": "ru"})
    assert response.status_code == 200
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_signed_in_reader_switching_language_keeps_it_on_their_account(client, issued, learner):
    client.force_login(learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page(client, issued, lang="kk")
    learner.refresh_from_db()
    assert learner.preferred_language == "kk"


@settings_hypothesis(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(max_size=60), extra=st.text(max_size=20))
def test_any_lang_parameter_answers_the_page(client, issued, value, extra):
    client.cookies.clear()
    response = client.get(f"/verify/{issued.pk}/", {"lang": value, "x": extra})
    assert response.status_code == 200
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    assert (cookie.value if cookie else None) == language_served(value)
    # Every language link keeps the other parameters and names one language.
    for code, href in language_links(response.content.decode()).items():
        query = parse_qs(urlsplit(href).query, keep_blank_values=True)
        assert query["lang"] == [code]
