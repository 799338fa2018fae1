"""The demo `make run` serves answers a missing page with the product's own, translated page."""

import pytest


def test_the_demo_settings_turn_debug_off():
    from lms.settings import demo

    assert demo.DEBUG is False
    assert demo.DEMO_MODE is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "words"), [("ru", "Страница не найдена"), ("en", "Page not found")]
)
def test_a_missing_page_answers_the_translated_404_not_a_url_list(client, prefix, words):
    response = client.get(f"/{prefix}/no-such-course/")

    assert response.status_code == 404
    html = response.content.decode()
    assert words in html
    assert "URLconf" not in html  # Django's technical page lists the URL patterns
