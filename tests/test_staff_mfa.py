"""A second factor on every staff door: each staff-only row of the access matrix.

With `ILM_REQUIRE_STAFF_MFA` on, every URL the matrix opens to staff and closes to learners
and anonymous visitors sends a staff member without TOTP to activate it, then
answers as the matrix says once they have it. A new staff page that `lms.staff_mfa` does not
guard fails here.
"""

from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client, override_settings

from lms.staff_mfa import STAFF_DOORS
from tests import access_matrix as m
from tests.test_access_matrix import Fixtures, all_patterns, build_url

pytestmark = pytest.mark.django_db

STAFF = ("instructor_a", "registrar_a", "editor_b", "staff")
ACTIVATE = "/accounts/2fa/totp/activate/"

# Staff-only in the matrix, yet not a door: what they show is not learners' personal data.
NOT_DOORS = {
    # Course documents and images: readers of the course get them too (here a draft's file).
    "uploads_document": "course material",
    "wagtaildocs_serve": "course material",
    "uploads:file": "course material",
    "uploads:file#rendition": "course material",
}


def asks_to_activate(response) -> bool:
    return urlsplit(response.get("Location", "")).path.endswith(ACTIVATE)


def staff_only(row: m.Row) -> list[str]:
    """The staff roles a row lets in, when it keeps learners and anonymous visitors out."""
    if m.OK in row.expect["anon"] or m.OK in row.expect["learner_a"]:
        return []
    return [role for role in STAFF if m.OK in row.expect[role]]


def doors():
    patterns = {p.key: p for p in all_patterns()}
    for key, row in m.ROWS.items():
        pattern = patterns.get(key.split("#", 1)[0])
        if pattern is None or key in NOT_DOORS or row.method != "get":
            continue
        roles = staff_only(row)
        if roles:
            yield key, pattern, row, roles


@override_settings(ILM_REQUIRE_STAFF_MFA=True)
def test_every_staff_door_asks_for_a_second_factor_first():
    fx = Fixtures()
    found, open_doors, closed_after = [], [], []
    for key, pattern, row, roles in doors():
        url = build_url(pattern, row, fx)
        assert url is not None, key
        found.append(key)
        query = row.query(fx) if row.query else {}
        for role in roles:
            client = Client()
            client.force_login(fx.users[role])
            response = client.get(url, query)
            if not (response.status_code == 302 and asks_to_activate(response)):
                open_doors.append(f"{key} {url} as {role}: {response.status_code}")
            Authenticator.objects.get_or_create(
                user=fx.users[role], type=Authenticator.Type.TOTP, defaults={"data": {}}
            )
            outcome = m.classify(client.get(url, query))
            Authenticator.objects.filter(user=fx.users[role]).delete()
            if outcome not in row.expect[role]:
                closed_after.append(f"{key} {url} as {role} with TOTP: {outcome}")
    assert len(found) >= 10  # the rosters, reports, tokens, LRS clients, certificates, admin
    assert open_doors == [], f"no second factor asked (add to STAFF_DOORS {STAFF_DOORS})"
    assert closed_after == []


@override_settings(ILM_REQUIRE_STAFF_MFA=True)
def test_the_registrar_is_sent_to_the_activation_page_in_their_language(client):
    fx = Fixtures()
    client.force_login(fx.users["registrar_a"])
    response = client.get("/ru/reports/")
    assert response.status_code == 302
    assert response["Location"] == f"/ru{ACTIVATE}"


@override_settings(ILM_REQUIRE_STAFF_MFA=True)
def test_learners_are_never_asked_for_a_second_factor(client):
    fx = Fixtures()
    client.force_login(fx.users["learner_a"])
    for url in ("/en/learn/", "/en/teach/", "/en/reports/", "/admin/"):
        response = client.get(url)
        assert not asks_to_activate(response), url


@override_settings(ILM_REQUIRE_STAFF_MFA=False)
def test_with_the_setting_off_staff_go_straight_in(client):
    fx = Fixtures()
    client.force_login(fx.users["registrar_a"])
    assert client.get("/en/reports/").status_code == 200
