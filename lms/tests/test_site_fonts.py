"""Pages render every script with the reader's own fonts, and Chinese in Simplified forms
(ADR 0032): no web font is sent, and the zh-hans rule of site.css reaches the page."""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR, "lms", "static", "css", "site.css").read_text()


def test_site_css_sends_no_web_font():
    assert "@font-face" not in CSS
    assert re.search(r"url\([^)]*\.(woff2?|ttf|otf|eot)", CSS) is None


def test_site_css_gives_zh_hans_a_simplified_chinese_stack():
    rule = re.search(r"\[lang\]:lang\(zh-hans\)\{font-family:([^}]*)\}", CSS)
    assert rule is not None
    families = [name.strip().strip('"') for name in rule.group(1).split(",")]
    assert {"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC"} <= set(families)
    assert families[-1] == "sans-serif"


@pytest.mark.django_db
def test_the_zh_hans_rule_matches_the_page_and_the_language_switcher(client):
    # `[lang]:lang(zh-hans)` needs a lang attribute on the element it styles.
    chinese = client.get("/zh-hans/accounts/login/").content.decode()
    assert '<html lang="zh-hans"' in chinese
    english = client.get("/en/accounts/login/").content.decode()
    assert re.search(r'lang="zh-hans"[^>]*>简体中文<', english)
