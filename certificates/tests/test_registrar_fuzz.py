"""Property tests: the registrar's credential list and its revoke / un-revoke forms answer
any query string or post with a page or a refusal, never a 500; a refusal changes nothing.

`q` and `page` come from the query string (`page` goes through Django's paginator, which
falls back to a real page); the reason is a form field whose refusal renders a page that
says why. Another university's registrar gets 404 whatever they post.
"""

import pytest
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st

from certificates.models import Credential
from certificates.registrar_views import MAX_REASON_CHARS
from tests.factories import UniversityFactory, make_member
from tests.strategies import awkward_text
from tests.strategies import numberish as numberish_strings

LIST = "/certificates/manage/"
FUZZ = settings(max_examples=30, deadline=None)

awkward = awkward_text("0123456789²³٣%_\\-+ eE.\x00\t\n\r\u202e\u0301", max_size=60)
numberish = numberish_strings(["last", "١"])


@pytest.fixture
def registrar(university):
    return make_member("registrar", university, full_name="Registrar A")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@FUZZ
@given(q=st.one_of(awkward, st.just("q" * 5000)), page=numberish)
@example(q="Aziza", page="1")
def test_list_answers_any_search_and_page(issued, registrar, q, page):
    response = login(registrar).get(LIST, {"q": q, "page": page})
    assert response.status_code == 200, response.status_code
    shown = list(response.context["credentials"])
    assert set(shown) <= {issued}
    if q == "Aziza":
        assert shown == [issued]


@FUZZ
@given(
    post=st.fixed_dictionaries(
        {},
        optional={"reason": st.one_of(awkward, st.just("r" * (MAX_REASON_CHARS + 1)))},
    ),
    action=st.sampled_from(["revoke", "unrevoke"]),
)
@example(post={}, action="revoke")
@example(post={"reason": "   "}, action="revoke")
@example(post={"reason": "\x00"}, action="revoke")
def test_revoke_forms_answer_any_post_and_refusals_change_nothing(issued, registrar, post, action):
    before = Credential.objects.get(pk=issued.pk)
    response = login(registrar).post(f"/certificates/manage/{issued.pk}/{action}/", post)
    assert response.status_code in (302, 400, 409), response.status_code
    after = Credential.objects.get(pk=issued.pk)
    if response.status_code == 302:
        assert after.revoked is (action == "revoke")
        # Back to the state every example starts from.
        undo = "unrevoke" if action == "revoke" else "revoke"
        assert (
            login(registrar)
            .post(f"/certificates/manage/{issued.pk}/{undo}/", {"reason": "reset"})
            .status_code
            == 302
        )
    else:
        assert (after.revoked, after.revocation_reason) == (
            before.revoked,
            before.revocation_reason,
        )
        assert response.context["message"]


@FUZZ
@given(reason=awkward, action=st.sampled_from(["revoke", "unrevoke"]))
def test_another_universitys_registrar_gets_404_whatever_the_post(issued, reason, action):
    outsider = make_member("registrar", UniversityFactory(code="other-fuzz"), full_name="Other")
    response = login(outsider).post(
        f"/certificates/manage/{issued.pk}/{action}/", {"reason": reason}
    )
    assert response.status_code == 404, (response.status_code, response.get("Location"))
    assert not Credential.objects.get(pk=issued.pk).revoked


@pytest.mark.parametrize("suffix", [".pdf", "/download.json", "/revoke/"])
def test_a_refused_certificate_address_stays_a_404(issued, suffix):
    """Found by the property above: `/certificates/` was not a language-neutral prefix, so
    the locale middleware turned every 404 there (another learner's PDF, another
    university's revoke) into a 302 to `/en/...`."""
    outsider = make_member("registrar", UniversityFactory(code="other-404"), full_name="Other")
    path = (
        f"/certificates/manage/{issued.pk}/revoke/"
        if suffix == "/revoke/"
        else f"/certificates/{issued.pk}{suffix}"
    )
    client = login(outsider)
    response = client.post(path, {"reason": "x"}) if suffix == "/revoke/" else client.get(path)
    assert response.status_code == 404
