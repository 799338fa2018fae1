"""The registrar's certificate pages: listing, revoking and un-revoking, and who may."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from certificates import services
from certificates.models import Credential, StatusList
from certificates.registrar_views import MAX_REASON_CHARS, PAGE_SIZE
from certificates.status_list import Bitstring
from certificates.verification import Verdict
from tests.factories import UniversityFactory, UserFactory, make_member

LIST = "/certificates/manage/"


def revoke_url(credential) -> str:
    return f"/certificates/manage/{credential.pk}/revoke/"


def unrevoke_url(credential) -> str:
    return f"/certificates/manage/{credential.pk}/unrevoke/"


def bits(credential) -> tuple[bool, bool]:
    """The credential's revocation bit: in the stored bitstring, and in the signed list."""
    status_list = StatusList.objects.get(pk=credential.status_list_id)
    stored = Bitstring.decode(status_list.encoded_list).get(credential.status_index)
    signed = json.loads(status_list.signed_json)["credentialSubject"]["encodedList"]
    return stored, Bitstring.decode(signed).get(credential.status_index)


def snapshot(credential) -> tuple:
    """Everything a refused request must leave as it was."""
    fresh = Credential.objects.get(pk=credential.pk)
    status_list = StatusList.objects.get(pk=credential.status_list_id)
    return (
        fresh.revoked,
        fresh.revocation_reason,
        status_list.encoded_list,
        status_list.signed_json,
        AuditEvent.objects.filter(action__startswith="credential.").count(),
    )


@pytest.fixture
def registrar(university):
    return make_member("registrar", university, full_name="Registrar A")


@pytest.fixture
def other_university(db):
    return UniversityFactory(code="kaznu", name="Al-Farabi Kazakh National University")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- happy paths -----------------------------------------------------------------------------


def test_registrar_lists_their_universitys_credentials(issued, registrar):
    response = login(registrar).get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Aziza Karimova" in body and "Машинное обучение" in body
    assert reverse("certificates:verify", args=[issued.pk]) in body
    assert revoke_url(issued) in body and unrevoke_url(issued) not in body
    assert list(response.context["credentials"]) == [issued]


def test_revoke_then_unrevoke(issued, registrar):
    client = login(registrar)
    assert bits(issued) == (False, False)

    response = client.post(revoke_url(issued), {"reason": "  Exam misconduct  "})
    assert response.status_code == 302 and response["Location"] == LIST
    issued.refresh_from_db()
    assert issued.revoked and issued.revocation_reason == "Exam misconduct"
    assert bits(issued) == (True, True)
    event = AuditEvent.objects.get(action="credential.revoked")
    assert event.actor == registrar and event.details["reason"] == "Exam misconduct"
    # The public page, which checks the signed status list, now says revoked.
    assert Client().get(f"/verify/{issued.pk}/").context["result"].verdict == Verdict.REVOKED
    page = client.get(LIST).content.decode()
    assert "Exam misconduct" in page and unrevoke_url(issued) in page
    assert "Revoked: Aziza Karimova" in page  # the flash message

    response = client.post(unrevoke_url(issued), {"reason": "Appeal upheld"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert not issued.revoked and issued.revocation_reason == ""
    assert bits(issued) == (False, False)
    event = AuditEvent.objects.get(action="credential.unrevoked")
    assert event.actor == registrar and event.details["reason"] == "Appeal upheld"
    assert Client().get(f"/verify/{issued.pk}/").context["result"].verdict == Verdict.VALID


def test_platform_staff_see_and_revoke_every_university(issued, other_university):
    staff = UserFactory(is_superuser=True, is_staff=True)
    client = login(staff)
    response = client.get(LIST)
    assert list(response.context["credentials"]) == [issued]
    assert response.context["show_university"]
    assert client.post(revoke_url(issued), {"reason": "Issued in error"}).status_code == 302
    assert Credential.objects.get(pk=issued.pk).revoked


def test_reason_of_the_maximum_length_is_accepted(issued, registrar):
    reason = "r" * MAX_REASON_CHARS
    assert login(registrar).post(revoke_url(issued), {"reason": reason}).status_code == 302
    issued.refresh_from_db()
    assert issued.revocation_reason == reason


# --- search and pagination -------------------------------------------------------------------


def _copies(credential, count: int, **changes) -> list[Credential]:
    """Rows like `credential` (same list, other indexes); the list page reads only columns."""
    rows = []
    for number in range(count):
        copy = Credential.objects.get(pk=credential.pk)
        copy.id = uuid.uuid4()
        copy.learner = None
        copy.status_index = (credential.status_index + 1 + number) % 131_072
        for field, value in changes.items():
            setattr(copy, field, value.format(n=number))
        rows.append(copy)
    return Credential.objects.bulk_create(rows)


def test_search_by_learner_name_and_achievement(issued, registrar):
    _copies(issued, 2, recipient_name="Timur Sadykov {n}", achievement_name="Data Ethics")
    client = login(registrar)
    by_name = client.get(LIST, {"q": "aziza"}).context["credentials"]
    assert [c.pk for c in by_name] == [issued.pk]
    by_achievement = client.get(LIST, {"q": "ethics"}).context["credentials"]
    assert len(by_achievement) == 2 and issued not in by_achievement
    empty = client.get(LIST, {"q": "nobody like this"})
    assert empty.status_code == 200 and not empty.context["credentials"]
    assert "No certificate matches this search." in empty.content.decode()
    # Hostile search text is only text: a very long or odd query is cut and escaped.
    odd = client.get(LIST, {"q": "%' OR 1=1 --" + "x" * 5000})
    assert odd.status_code == 200 and len(odd.context["query"]) == 200
    assert not odd.context["credentials"]


def test_list_is_paginated_newest_first(issued, registrar):
    _copies(issued, PAGE_SIZE, recipient_name="Learner {n}")
    newest = Credential.objects.exclude(pk=issued.pk).first()
    Credential.objects.filter(pk=newest.pk).update(
        issued_at=issued.issued_at.replace(year=issued.issued_at.year + 1)
    )
    client = login(registrar)
    first = client.get(LIST)
    assert len(first.context["credentials"]) == PAGE_SIZE
    assert first.context["credentials"][0].pk == newest.pk
    assert first.context["page_obj"].paginator.num_pages == 2
    second = client.get(LIST, {"page": "2"})
    assert len(second.context["credentials"]) == 1
    # A page number that is not one falls back to a real page instead of failing.
    assert client.get(LIST, {"page": "banana"}).status_code == 200
    assert client.get(LIST, {"page": "999"}).context["page_obj"].number == 2


# --- isolation -------------------------------------------------------------------------------


@pytest.fixture
def outsiders(university, other_university, learner):
    return {
        "registrar of another university": make_member("registrar", other_university),
        "instructor of the issuer": make_member("instructor", university),
        "editor of the issuer": make_member("editor", university),
        "the credential's own learner": learner,
    }


def test_outsiders_cannot_see_or_change_a_credential(issued, outsiders, other_university):
    before = snapshot(issued)
    for who, user in outsiders.items():
        client = login(user)
        listing = client.get(LIST)
        if who == "registrar of another university":
            # B's registrar has a (empty) page of B's credentials, never A's.
            assert listing.status_code == 200, who
            assert not listing.context["credentials"], who
        else:
            assert listing.status_code == 403, who
        for url in (revoke_url(issued), unrevoke_url(issued)):
            # Outside the language prefix a 404 is first redirected to /en/..., a 404 too.
            response = client.post(url, {"reason": "Because I can"}, follow=True)
            assert response.status_code == 404, who
    assert snapshot(issued) == before
    assert bits(issued) == (False, False)


def test_outsiders_cannot_undo_a_revocation(issued, outsiders):
    services.credential_revoke(credential=issued, reason="Exam misconduct")
    before = snapshot(issued)
    for who, user in outsiders.items():
        response = login(user).post(unrevoke_url(issued), {"reason": "x"}, follow=True)
        assert response.status_code == 404, who
    assert snapshot(issued) == before
    assert bits(issued) == (True, True)


def test_anonymous_is_sent_to_log_in_and_nothing_changes(issued):
    before = snapshot(issued)
    client = Client()
    listing = client.get(LIST)
    assert listing.status_code == 302 and "/accounts/login/" in listing["Location"]
    response = client.post(revoke_url(issued), {"reason": "Exam misconduct"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # After logging in the person lands on the list, not on a POST-only address.
    assert "next=/certificates/manage/" in response["Location"]
    assert client.post(unrevoke_url(issued), {"reason": "x"}).status_code == 302
    assert snapshot(issued) == before


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Give a reason"),
        ({"reason": ""}, "Give a reason"),
        ({"reason": "   \n\t "}, "Give a reason"),
        ({"reason": "x" * (MAX_REASON_CHARS + 1)}, f"at most {MAX_REASON_CHARS} characters"),
        ({"reason": "bad\x00byte"}, "Null characters are not allowed"),
    ],
)
@pytest.mark.parametrize("action", ["revoke", "unrevoke"])
def test_bad_reasons_are_refused_and_nothing_changes(issued, registrar, data, message, action):
    if action == "unrevoke":
        services.credential_revoke(credential=issued, reason="Exam misconduct")
    url = revoke_url(issued) if action == "revoke" else unrevoke_url(issued)
    before, bits_before = snapshot(issued), bits(issued)
    response = login(registrar).post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was changed" in response.content.decode()
    assert snapshot(issued) == before and bits(issued) == bits_before


def test_revoking_a_revoked_credential_is_refused(issued, registrar):
    services.credential_revoke(credential=issued, reason="Exam misconduct")
    before = snapshot(issued)
    response = login(registrar).post(revoke_url(issued), {"reason": "Again"})
    assert response.status_code == 409
    assert "already revoked" in response.content.decode()
    assert snapshot(issued) == before and bits(issued) == (True, True)
    assert Credential.objects.get(pk=issued.pk).revocation_reason == "Exam misconduct"


def test_unrevoking_a_valid_credential_is_refused(issued, registrar):
    before = snapshot(issued)
    response = login(registrar).post(unrevoke_url(issued), {"reason": "Why not"})
    assert response.status_code == 409
    assert "is not revoked" in response.content.decode()
    assert snapshot(issued) == before and bits(issued) == (False, False)


def test_forged_and_malformed_ids(issued, registrar):
    client = login(registrar)
    before = snapshot(issued)
    forged = "00000000-0000-0000-0000-000000000000"
    for action in ("revoke", "unrevoke"):
        url = f"/certificates/manage/{forged}/{action}/"
        assert client.post(url, {"reason": "x"}, follow=True).status_code == 404
        for malformed in ("not-a-uuid", f"{issued.pk}x", "1", "%00"):
            url = f"/certificates/manage/{malformed}/{action}/"
            # No pattern matches; outside the language prefix the 404 goes through /en/.
            assert client.post(url, {"reason": "x"}, follow=True).status_code == 404
    assert snapshot(issued) == before


def test_gate_refuses_malformed_ids_itself(issued, registrar):
    from django.http import Http404

    from certificates.access import credential_for_registrar

    assert credential_for_registrar(registrar, issued.pk) == issued
    assert credential_for_registrar(registrar, str(issued.pk)) == issued
    for bad in ("not-a-uuid", "", 12, None):
        with pytest.raises(Http404):
            credential_for_registrar(registrar, bad)


@pytest.mark.parametrize("method", ["get", "put", "delete", "head"])
def test_only_post_changes_anything(issued, registrar, method):
    client = login(registrar)
    before = snapshot(issued)
    for url in (revoke_url(issued), unrevoke_url(issued)):
        assert getattr(client, method)(url).status_code == 405
    assert snapshot(issued) == before
    # The list itself is read-only.
    assert client.post(LIST, {"reason": "x"}).status_code == 405


def test_post_without_csrf_token_is_refused(issued, registrar):
    client = Client(enforce_csrf_checks=True)
    client.force_login(registrar)
    before = snapshot(issued)
    assert client.post(revoke_url(issued), {"reason": "Exam misconduct"}).status_code == 403
    assert snapshot(issued) == before
    # The forms on the list carry the token, so the page's own form works.
    page = client.get(LIST)
    token = page.cookies["csrftoken"].value
    response = client.post(
        revoke_url(issued), {"reason": "Exam misconduct", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert bits(issued) == (True, True)
