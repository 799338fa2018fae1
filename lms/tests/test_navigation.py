"""Role-aware landing and header, and the admin refusal page instead of a redirect loop."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    university = f.UniversityFactory()
    return {
        "learner": f.make_member("learner", university),
        "instructor": f.make_member("instructor", university),
        "editor": f.make_member("editor", university),
        "registrar": f.make_member("registrar", university),
        "staff": f.UserFactory(is_superuser=True, is_staff=True),
    }


LANDINGS = {
    "learner": lambda: reverse("learning:dashboard"),
    "instructor": lambda: reverse("teaching:runs"),
    "editor": lambda: reverse("wagtailadmin_home"),
    "registrar": lambda: reverse("reports_site:dashboard"),
    "staff": lambda: reverse("wagtailadmin_home"),
}


@pytest.mark.parametrize("who", list(LANDINGS))
def test_each_person_lands_where_their_work_is(client, people, who):
    client.force_login(people[who])
    with translation.override("en"):
        response = client.get(reverse("landing"))
        assert response.status_code == 302
        assert response["Location"] == LANDINGS[who]()


def test_logging_in_goes_through_the_landing(client, people):
    with translation.override("en"):
        response = client.post(
            reverse("account_login"),
            {"login": people["registrar"].email, "password": f.PASSWORD},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("landing")
        assert client.get(response["Location"])["Location"] == reverse("reports_site:dashboard")


HEADER = {
    "learner": set(),
    "instructor": {"teach"},
    "editor": {"review"},
    "registrar": {"reports"},
    "staff": {"teach", "reports", "admin"},
}


@pytest.mark.parametrize("who", list(HEADER))
def test_the_header_shows_the_sections_the_roles_allow(client, people, who):
    client.force_login(people[who])
    with translation.override("en"):
        content = client.get(reverse("learning:dashboard")).content.decode()
    shown = {
        key for key in ("teach", "review", "reports", "admin") if f'data-section="{key}"' in content
    }
    assert shown == HEADER[who]


def test_the_header_is_translated(client, people):
    client.force_login(people["registrar"])
    with translation.override("ru"):
        url = reverse("learning:dashboard")
    content = client.get(url).content.decode()
    assert 'data-section="reports">Отчёты</a>' in content


@pytest.mark.parametrize("who", ["learner", "registrar"])
def test_admin_without_rights_answers_a_page_not_a_loop(client, people, who):
    client.force_login(people[who])
    for path in ("/admin/", "/admin/pages/", "/admin/reports/site-history/"):
        response = client.get(path)
        assert response.status_code == 403, path
        content = response.content.decode()
        assert "No access to the administration" in content
        assert f'href="{reverse("learning:dashboard")}"' in content
    if who == "registrar":
        assert f'href="{reverse("reports_site:dashboard")}"' in content


def test_admin_refusal_is_translated(client, people):
    user = people["learner"]
    user.preferred_language = "kk"
    user.save()
    client.force_login(user)
    client.cookies["django_language"] = "kk"
    content = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert response_is_kazakh(content)


def response_is_kazakh(content: str) -> bool:
    return "Әкімшілікке қолжетімділік жоқ" in content and "No access to the" not in content


def test_admin_still_sends_anonymous_people_to_log_in_and_lets_admin_users_in(client, people):
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(people["instructor"])
    assert client.get("/admin/").status_code == 200
