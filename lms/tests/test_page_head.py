"""Every page names itself once and carries the site's icon (no request for a missing
/favicon.ico)."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_home_page_title_is_the_site_name_once(client):
    home = f.home_page()
    home.title = "Ilm"
    home.save()
    html = client.get("/en/").content.decode()
    assert re.search(r"<title>\s*Ilm\s*</title>", html)


def test_pages_link_an_icon_that_exists(client):
    f.home_page()
    html = client.get("/en/catalogue/").content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"?]+)', html)
    assert icon, "no icon link"
    assert finders.find(icon.group(1)) is not None
