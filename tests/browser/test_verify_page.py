"""The public verification page on a 360 px phone: a valid and a revoked credential.

Each page must not scroll sideways, must show its verdict in colour with words, and keeps a
screenshot under `test-output/browser/` for a person to look at (issue 20, item 6).
"""

from __future__ import annotations

from django.urls import reverse

from certificates import services
from certificates.pdf import certificate_html
from certificates.policies import certificate_signatory_set
from certificates.tests.conftest import complete_course
from certificates.tests.test_pdf_certificate import png_logo
from learning.models import Enrollment
from tests.factories import UniversityFactory, build_course, make_member, open_run

from .conftest import OUTPUT_DIR, assert_accessible

PHONE = {"width": 360, "height": 740}
LONG_NAME = (
    "Таджикский национальный университет имени Героя Советского Союза и академика "
    "Бободжона Гафурова"
)


def credential_of(learner, course):
    enrollment = complete_course(learner, course)  # issued on commit, as in production
    assert enrollment.status == Enrollment.Status.COMPLETED
    return enrollment.credentials.get()


def sideways(page) -> dict:
    return page.evaluate(
        """() => {
            const root = document.documentElement, width = root.clientWidth;
            const wide = [...document.body.querySelectorAll("*")]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .slice(0, 5).map(e => e.tagName.toLowerCase() + "." + e.className);
            return {scroll: root.scrollWidth, client: width, wide};
        }"""
    )


def look(page, url: str, name: str) -> None:
    response = page.goto(url)
    assert response.status == 200
    widths = sideways(page)
    assert widths["scroll"] <= widths["client"], f"{name} scrolls sideways: {widths}"
    share = page.locator("#share-url").bounding_box()
    assert share["x"] >= 0 and share["x"] + share["width"] <= PHONE["width"], share
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT_DIR / f"verify-{name}-360.png"), full_page=True)
    assert_accessible(page)


def test_valid_and_revoked_credentials_at_360_px(new_page):
    university = UniversityFactory(code="tnu-long", name=LONG_NAME, country="TJ")
    course = build_course(
        university,
        title="Машинное обучение: от линейной регрессии к нейронным сетям",
        language="ru",
        quiz_in_last_lesson=False,
        modules=1,
        lessons_per_module=1,
    )
    open_run(course)
    valid = credential_of(make_member("learner", university, full_name="Aziza Karimova"), course)
    revoked = credential_of(make_member("learner", university, full_name="Timur Aliev"), course)
    services.credential_revoke(credential=revoked, reason="Issued in error")
    page = new_page(viewport=PHONE)

    look(page, reverse("certificates:verify", args=[valid.pk]), "valid")
    verdict = page.get_by_role("status")
    assert "tone-valid" in verdict.get_attribute("class")
    assert "This credential is valid." in verdict.inner_text()
    # The verdict's colour is the page's, not just a class name.
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('.verdict-box')).borderLeftColor"
    )
    assert colour == "rgb(11, 110, 79)"
    linkedin = page.get_by_role("link", name="Add to LinkedIn profile")
    assert linkedin.get_attribute("href").startswith("https://www.linkedin.com/profile/add?")
    assert linkedin.bounding_box()["x"] + linkedin.bounding_box()["width"] <= PHONE["width"]

    look(page, reverse("certificates:verify", args=[revoked.pk]), "revoked")
    verdict = page.get_by_role("status")
    assert "tone-revoked" in verdict.get_attribute("class")
    assert "revoked by its issuer" in verdict.inner_text()
    assert page.get_by_role("link", name="Add to LinkedIn profile").count() == 0

    # The language links lead to the same page in another language, still without JavaScript.
    page.get_by_role("link", name="Русский").click()
    assert page.evaluate("document.documentElement.lang") == "ru"
    assert page.url.endswith(f"/verify/{revoked.pk}/?lang=ru")
    widths = sideways(page)
    assert widths["scroll"] <= widths["client"], widths
    page.screenshot(path=str(OUTPUT_DIR / "verify-revoked-ru-360.png"), full_page=True)


def test_the_certificate_layout_for_a_person_to_look_at(new_page):
    """Chromium cannot screenshot a PDF, so the HTML WeasyPrint lays out is drawn at the A4
    landscape size (1123 x 794 CSS px) instead, for review; the PDF itself is checked in
    certificates/tests/test_pdf_certificate.py."""
    university = UniversityFactory(code="tnu-cert", name="Tajik National University", country="TJ")
    university.logo = png_logo()
    university.save()
    certificate_signatory_set(university=university, name="Dilnoza Rahimova", title="Rector")
    course = build_course(
        university, title="Машинное обучение", language="ru", quiz_in_last_lesson=False, modules=1
    )
    open_run(course)
    learner = make_member("learner", university, full_name="Азиза Каримова")
    credential = credential_of(learner, course)
    page = new_page(axe=False, viewport={"width": 1123, "height": 794})

    page.set_content(certificate_html(credential))

    boxes = page.evaluate(
        """() => Object.fromEntries(["facts", "footer", "frame"].map(name => {
            const box = document.querySelector("." + name).getBoundingClientRect();
            return [name, {top: box.top, bottom: box.bottom}];
        }))"""
    )
    assert boxes["facts"]["bottom"] < boxes["footer"]["top"], boxes  # nothing overlaps
    assert boxes["frame"]["bottom"] <= 794, boxes
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT_DIR / "certificate-ru.png"))
