"""The rules of university sign-in, below the protocol: what the adapter lets through, what a
sign-in grants, the password refusal, the admin screen."""

import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from sso.adapter import SignInAdapter
from sso.claims import ClaimsError, Identity
from sso.models import UniversitySignIn
from sso.services import identity_apply, sign_in_save
from tests.factories import PASSWORD, UniversityFactory, UserFactory, make_member
from universities.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def alpha():
    university = UniversityFactory(code="alpha", name="Alpha University")
    return sign_in_save(
        university=university,
        server_url="https://idp.alpha.example/realms/students/",
        client_id="ilm",
        secret="s3cret",
    )


def social_login(provider="uni-alpha", user=None, **claims) -> SocialLogin:
    account = SocialAccount(provider=provider, uid="sub-1", extra_data={"userinfo": claims})
    return SocialLogin(account=account, user=user or User(email="new@alpha.example"))


def request():
    req = RequestFactory().get("/en/accounts/oidc/uni-alpha/login/callback/")
    req.user = AnonymousUser()
    req.session = {}
    return req


def test_the_social_app_is_named_and_identified_after_the_university(alpha):
    app = SocialApp.objects.get()
    assert (app.provider, app.provider_id, app.name) == (
        "openid_connect",
        "uni-alpha",
        "Alpha University",
    )
    assert app.settings == {"server_url": "https://idp.alpha.example/realms/students"}
    # Editing keeps the secret when none is typed.
    sign_in_save(
        university=alpha.university,
        server_url="https://idp2.example",
        client_id="ilm2",
        secret="",
        sign_in=alpha,
        local_passwords_allowed=False,
    )
    app.refresh_from_db()
    assert (app.client_id, app.secret) == ("ilm2", "s3cret")
    assert UniversitySignIn.objects.get().local_passwords_allowed is False


def test_a_provider_no_university_has_is_refused():
    with pytest.raises(ImmediateHttpResponse) as refused:
        SignInAdapter().pre_social_login(request(), social_login("uni-nowhere", student_number="1"))
    assert refused.value.response.status_code == 400
    assert SignInAdapter().is_open_for_signup(request(), social_login("uni-nowhere")) is False


def test_missing_student_number_is_refused_before_anything_exists(alpha):
    with pytest.raises(ImmediateHttpResponse) as refused:
        SignInAdapter().pre_social_login(request(), social_login(name="No Number"))
    assert b"student number" in refused.value.response.content
    assert not User.objects.exists()


def test_a_student_number_held_by_another_account_is_refused(alpha):
    make_member("learner", alpha.university, student_number="S-1")
    with pytest.raises(ImmediateHttpResponse) as refused:
        SignInAdapter().pre_social_login(request(), social_login(student_number="S-1"))
    assert b"already holds this student number" in refused.value.response.content


def test_the_university_is_the_providers_and_one_home_only(alpha):
    beta = UniversityFactory(code="beta")
    elsewhere = make_member("learner", beta)
    with pytest.raises(ClaimsError, match="another university"):
        identity_apply(user=elsewhere, sign_in=alpha, identity=Identity("S-9", "Name", None))
    assert not Membership.objects.filter(user=elsewhere, university=alpha.university).exists()


def test_roles_from_claims_follow_the_claims(alpha):
    alpha.role_source = "claims"
    alpha.save()
    user = UserFactory()
    identity_apply(user=user, sign_in=alpha, identity=Identity("", "T", frozenset({"instructor"})))
    assert set(user.memberships.values_list("role", flat=True)) == {Role.INSTRUCTOR}
    identity_apply(user=user, sign_in=alpha, identity=Identity("", "T", frozenset({"registrar"})))
    assert set(user.memberships.values_list("role", flat=True)) == {Role.REGISTRAR}


def test_roles_managed_in_ilm_are_left_alone(alpha):
    user = make_member("instructor", alpha.university)
    identity_apply(user=user, sign_in=alpha, identity=Identity("S-5", "Name", None))
    assert set(user.memberships.values_list("role", flat=True)) == {Role.INSTRUCTOR, Role.LEARNER}


def login(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )


def test_passwords_off_refuses_the_password_and_names_the_button(client, alpha):
    alpha.local_passwords_allowed = False
    alpha.save()
    learner = make_member("learner", alpha.university)
    answer = login(client, learner)
    assert "signs its people in itself" in answer.content.decode()
    assert "Sign in with Alpha University" in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_passwords_on_and_platform_staff_still_sign_in(client, alpha):
    learner = make_member("learner", alpha.university)
    login(client, learner)
    assert client.session["_auth_user_id"] == str(learner.pk)

    alpha.local_passwords_allowed = False
    alpha.save()
    staff = make_member("instructor", alpha.university, is_superuser=True, is_staff=True)
    client.logout()
    login(client, staff)
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_the_button_only_posts_and_only_for_a_configured_university(client, alpha):
    assert client.get(reverse("sso:begin", args=["alpha"])).status_code == 405
    assert client.post(reverse("sso:begin", args=["nowhere"])).status_code == 404


def test_logout_without_a_university_sign_in_stays_local(client, alpha):
    learner = make_member("learner", alpha.university)
    client.force_login(learner)
    answer = client.post(reverse("account_logout"))
    assert answer.status_code == 302
    assert answer["Location"].startswith("/")


def test_platform_staff_add_a_university_sign_in_in_the_admin(client):
    university = UniversityFactory(code="gamma", name="Gamma University")
    staff = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(staff)
    answer = client.post(
        reverse("university_sign_in:add"),
        {
            "university": university.pk,
            "server_url": "https://login.gamma.example",
            "client_id": "ilm-gamma",
            "secret": "gamma-secret",
            "student_number_claim": "matric",
            "name_claim": "name",
            "role_source": "ilm",
            "roles_claim": "groups",
            "instructor_values": "",
            "registrar_values": "",
            "local_passwords_allowed": "on",
        },
    )
    assert answer.status_code == 302, answer.context["form"].errors
    sign_in = UniversitySignIn.objects.get(university=university)
    assert sign_in.social_app.provider_id == "uni-gamma"
    assert sign_in.student_number_claim == "matric"


def test_university_staff_may_not_open_the_admin_screen(client, alpha):
    instructor = make_member("instructor", alpha.university, is_staff=True)
    client.force_login(instructor)
    answer = client.get(reverse("university_sign_in:index"))
    assert answer.status_code in (302, 403)
    assert "idp.alpha.example" not in answer.content.decode()


def test_deleting_a_university_sign_in_drops_its_credentials(alpha):
    alpha.delete()
    assert not SocialApp.objects.exists()
