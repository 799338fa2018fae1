"""Property tests: the account forms (allauth's sign-in, sign-up and password reset, with our
sign-up details) answer any post with the form and its messages or a redirect, never a 500;
a refused sign-up creates no account.

Posts carry what browsers cannot type but scripts can send: NUL and other control
characters, right-to-left marks, very long values, wrong fields.
"""

import pytest
from django.core import mail
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st

from accounts.models import User
from tests.factories import UserFactory
from tests.strategies import awkward_text

FUZZ = settings(max_examples=30, deadline=None)
GOOD_PASSWORD = "Long enough passphrase 42"

awkward = awkward_text("@.+-_ 0123456789\x00\t\n\r\u202e\u0301\ufeff", max_size=60)
emailish = st.one_of(
    awkward,
    st.emails().map(str),
    st.sampled_from(["a@b", "@example.org", "x@example.org\x00", "x" * 300 + "@example.org"]),
)
passwordish = st.one_of(awkward, st.just(GOOD_PASSWORD), st.just("p" * 5000))


@pytest.mark.django_db
@FUZZ
@given(
    post=st.fixed_dictionaries(
        {},
        optional={
            "email": emailish,
            "password1": passwordish,
            "password2": passwordish,
            "full_name": st.one_of(awkward, st.just("n" * 201)),
        },
    )
)
@example(
    post={
        "email": "new.learner@example.org",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "full_name": "New Learner",
    }
)
@example(post={"email": "x@example.org", "full_name": "a\x00b"})
def test_sign_up_answers_any_post_and_a_refusal_creates_no_account(post):
    before = User.objects.count()
    response = Client().post("/en/accounts/signup/", post)
    assert response.status_code in (200, 302, 400, 429), response.status_code
    if response.status_code == 302:
        assert User.objects.count() == before + 1
        User.objects.latest("pk").delete()  # each example starts from the same accounts
    else:
        assert User.objects.count() == before
        if response.status_code in (200, 400):
            assert response.context["form"].errors


@pytest.mark.django_db
@FUZZ
@given(
    post=st.fixed_dictionaries(
        {},
        optional={"login": emailish, "password": passwordish, "remember": awkward},
    )
)
@example(post={"login": "known@example.org", "password": GOOD_PASSWORD})
def test_sign_in_answers_any_post(post):
    if not User.objects.filter(email="known@example.org").exists():
        UserFactory(email="known@example.org", password=GOOD_PASSWORD)
    response = Client().post("/en/accounts/login/", post)
    assert response.status_code in (200, 302, 400, 429), response.status_code
    if post == {"login": "known@example.org", "password": GOOD_PASSWORD}:
        assert response.status_code == 302
    elif response.status_code in (200, 400):
        assert response.context["form"].errors


@pytest.mark.django_db
@FUZZ
@given(email=emailish)
@example(email="known@example.org")
def test_password_reset_answers_any_address_and_sends_a_link_only_to_real_accounts(email):
    """allauth writes to an unknown address too (so the form does not tell who has an
    account), but only the account's owner gets a reset link."""
    if not User.objects.filter(email="known@example.org").exists():
        UserFactory(email="known@example.org", password=GOOD_PASSWORD)
    mail.outbox.clear()
    response = Client().post("/en/accounts/password/reset/", {"email": email})
    assert response.status_code in (200, 302, 400, 429), response.status_code
    for message in mail.outbox:
        has_link = "/password/reset/key/" in message.body
        assert has_link is (message.to == ["known@example.org"]), message.to
    if email == "known@example.org":
        assert [message.to for message in mail.outbox] == [["known@example.org"]]
