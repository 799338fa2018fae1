"""The shared layout: account pages, error pages and the header on every page."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("account_login", "Sign In"),
        ("account_signup", "Sign Up"),
        ("account_reset_password", "Password Reset"),
        ("account_email_verification_sent", "Verify Your Email Address"),
    ],
)
def test_account_pages_use_the_site_layout(client, name, heading):
    response = client.get(reverse(name))
    html = response.content.decode()

    assert response.status_code == 200
    assert heading in html
    assert 'class="site-header"' in html and 'class="card account narrow"' in html
    assert 'hreflang="ru"' in html  # the language switcher is on account pages too


@pytest.mark.django_db
def test_logout_page_uses_the_site_layout(client):
    client.force_login(f.UserFactory())

    response = client.get(reverse("account_logout"))

    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.django_db
def test_login_with_a_wrong_password_is_refused_in_the_layout(client):
    user = f.UserFactory()

    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})

    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_needs_a_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(f.UserFactory())

    response = strict.post(reverse("account_logout"))

    assert response.status_code == 403
    assert "_auth_user_id" in strict.session


@pytest.mark.django_db
def test_missing_pages_get_the_site_404(client):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_every_page_type_renders(client):
    university = f.UniversityFactory(code="tnu", name="Tajik National University")
    course = f.build_course(university, title="Python for data science")
    f.open_run(course)
    program = f.build_program(university, [university], [course])
    module = course.get_children().first()
    section = course.get_parent()
    index = program.get_parent()

    pages = {
        "/en/": "Python for data science",
        section.url: "Python for data science",
        course.url: "Course outline",
        module.url: "Lesson 1.1",
        index.url: program.title,
        program.url: "Required courses",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
