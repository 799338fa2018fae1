"""The printed certificate holds what a certificate should, formatted as the rest of the site.

pypdf is not installed, so the text is checked in the HTML WeasyPrint lays out
(`certificate_html`); the layout (one A4 landscape page) and the fonts are checked on the
rendered document and the PDF bytes.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import formats, translation
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection

from audit.models import AuditEvent
from certificates import policies
from certificates.models import Credential
from certificates.pdf import (
    certificate_context,
    certificate_html,
    certificate_pdf,
    render_certificate,
    short_verification_url,
    verification_url,
)
from learning.services import program_enrollment_create
from tests.factories import (
    PASSWORD,
    UniversityFactory,
    build_course,
    build_program,
    make_member,
    open_run,
)

from .conftest import complete_course
from .pdf_fonts import embedded_fonts

STACK = {"Noto Sans", "Noto Sans CJK SC"}


def png_logo(name="logo.png", colour=(43, 76, 126)):
    return get_image_model().objects.create(
        title=name,
        file=get_test_image_file(name, colour=colour, size=(120, 60)),
        collection=Collection.get_first_root_node(),
        width=120,
        height=60,
    )


def issue(learner, course, capture) -> Credential:
    with capture(execute=True):
        enrollment = complete_course(learner, course)
    return enrollment.credentials.get()


def with_document(credential: Credential, change) -> Credential:
    """The PDF is drawn from the signed document; tests give it what a course would have."""
    document = json.loads(credential.signed_json)
    change(document)
    credential.signed_json = json.dumps(document, ensure_ascii=False)
    credential.save(update_fields=["signed_json"])
    return credential


def test_the_pdf_is_one_a4_landscape_page(issued):
    document = render_certificate(issued)
    assert len(document.pages) == 1
    page = document.pages[0]
    # WeasyPrint measures in CSS pixels (96 per inch): A4 landscape is 297 x 210 mm.
    assert round(page.width * 25.4 / 96) == 297 and round(page.height * 25.4 / 96) == 210


def test_the_certificate_holds_each_element(issued, university):
    university.logo = png_logo()
    university.save()
    policies.certificate_signatory_set(
        university=university, name="Dilnoza Rahimova", title="Rector"
    )
    with_document(
        issued,
        lambda d: d["credentialSubject"]["achievement"].update(
            related=[{"type": ["Achievement"], "name": "Machine learning", "inLanguage": "en"}]
        ),
    )

    html = certificate_html(issued)

    assert "Tajik National University" in html  # the issuer
    assert 'src="data:image/png;base64,' in html  # its logo, embedded
    assert "Aziza Karimova" in html
    assert "Машинное обучение" in html and "Machine learning" in html  # both names
    assert "Dilnoza Rahimova" in html and "Rector" in html  # the signature area
    assert 'class="seal"' in html
    assert certificate_context(issued)["qr_svg"] in html
    short = short_verification_url(issued)
    assert short in html and not short.startswith("http")
    assert verification_url(issued).endswith(short)
    assert "5,0 ECTS" in html  # Russian course: the course page's format, Russian decimals
    assert "Awarded jointly with" not in html  # a course certificate has no partners
    with translation.override("ru"):
        assert formats.date_format(issued.issued_at.date(), "DATE_FORMAT") in html


def test_without_a_signatory_or_logo_the_area_still_reads(issued):
    html = certificate_html(issued)
    assert "<img" not in html
    assert "For the university" in html or "От имени университета" in html


def test_a_signatory_too_long_is_refused_clearly(university):
    with pytest.raises(policies.PolicyError, match="at most 200 characters"):
        policies.certificate_signatory_set(university=university, name="x" * 201, title="")
    assert policies.certificate_signatory(university) == ("", "")
    with pytest.raises(CommandError, match="at most 200 characters"):
        call_command("set_certificate_signatory", university.code, "--title", "x" * 201)
    with pytest.raises(CommandError, match="no university"):
        call_command("set_certificate_signatory", "nowhere", "--name", "A")


def test_an_operator_names_the_signatory(university):
    call_command("set_certificate_signatory", university.code, "--name", " Dilnoza Rahimova ")
    assert policies.certificate_signatory(university) == ("Dilnoza Rahimova", "")
    assert AuditEvent.objects.filter(action="credential_policy.signatory_changed").count() == 1


def test_the_date_is_in_the_learners_language(issued, learner):
    learner.preferred_language = "kk"
    learner.save()
    context = certificate_context(issued)
    with translation.override("kk"):
        expected = formats.date_format(issued.issued_at.date(), "DATE_FORMAT")
    with translation.override("en"):
        english = formats.date_format(issued.issued_at.date(), "DATE_FORMAT")
    assert context["learner_language"] == "kk"
    assert context["issued_on"] == expected != english
    assert expected in certificate_html(issued)


def test_score_and_credits_read_as_on_the_dashboard_and_course_page(
    client, university, django_capture_on_commit_callbacks
):
    course = build_course(university, title="Data basics", quiz_in_last_lesson=False, modules=1)
    learner = make_member("learner", university, full_name="Bakhtiyor Usmonov")
    credential = issue(learner, course, django_capture_on_commit_callbacks)
    # A score with decimals, as a quiz average gives: the dashboard rounds it.
    credential.enrollment.final_score = Decimal("83.34")
    credential.enrollment.save(update_fields=["final_score"])
    with_document(credential, lambda d: d["credentialSubject"].update(result=[{"value": "83.34"}]))
    client.login(email=learner.email, password=PASSWORD)
    dashboard = client.get(reverse("learning:dashboard")).content.decode()
    course_page = client.get(course.url).content.decode()

    html = certificate_html(credential)

    dashboard_score = re.search(r"score (\d+%)", dashboard).group(1)
    page_credits = re.search(r"[\d.,]+ ECTS", course_page).group(0)
    assert (dashboard_score, page_credits) == ("83%", "5.0 ECTS")
    assert dashboard_score in html and page_credits in html
    assert "83.34" not in html and "ECTS 5" not in html


def test_a_joint_program_certificate_names_its_partners(db, django_capture_on_commit_callbacks):
    lead = UniversityFactory(code="lead", name="Lead University", country="KZ")
    partner = UniversityFactory(
        code="partner", name="Partner University", country="UZ", logo=png_logo("p.png")
    )
    first = build_course(lead, quiz_in_last_lesson=False, modules=1)
    second = build_course(partner, quiz_in_last_lesson=False, modules=1)
    open_run(first)
    open_run(second)
    program = build_program(lead, [lead, partner], [first, second])
    learner = make_member("learner", lead, full_name="Timur Aliev")
    with django_capture_on_commit_callbacks(execute=True):
        program_enrollment_create(learner=learner, program=program)
        complete_course(learner, first)
        complete_course(learner, second)
    credential = Credential.objects.get(kind=Credential.Kind.PROGRAM)

    html = certificate_html(credential)

    assert "Awarded jointly with" in html
    partners = html.split('class="partners"', 1)[1].split("</div>", 1)[0]
    assert "Partner University" in partners and "data:image/png;base64," in partners
    assert "Lead University" not in partners  # the lead issues; it is not its own partner
    assert len(render_certificate(credential).pages) == 1


@pytest.mark.parametrize(
    "course_language, learner_language, title",
    [("ru", "ru", "Машинное обучение"), ("zh-hans", "zh-hans", "机器学习导论")],
)
def test_the_certificate_renders_in_each_script_with_its_fonts(
    university, django_capture_on_commit_callbacks, course_language, learner_language, title
):
    course = build_course(
        university, title=title, language=course_language, quiz_in_last_lesson=False, modules=1
    )
    learner = make_member("learner", university, full_name="Азиза Каримова")
    learner.preferred_language = learner_language
    learner.save()
    credential = issue(learner, course, django_capture_on_commit_callbacks)
    context = certificate_context(credential)

    pdf = certificate_pdf(credential)

    fonts = embedded_fonts(pdf)
    assert {font["family"] for font in fonts} <= STACK
    assert set().union(*(font["notdef"] for font in fonts)) == set(), "text fell to .notdef"
    inked = set().union(*(font["inked"] for font in fonts))
    drawn = set(title + "Азиза Каримова" + context["issued_on"]) - {" "}
    assert drawn - inked == set()
    if course_language == "zh-hans":
        cjk = [font for font in fonts if font["family"] == "Noto Sans CJK SC"]
        assert cjk and set(title) <= cjk[0]["inked"] | set().union(*(f["inked"] for f in cjk))


@pytest.mark.parametrize(
    "name, content", [("logo.png", b"%PDF-1.7 not a picture"), ("logo.exe", b"MZ\x90\x00")]
)
def test_a_logo_that_is_not_an_image_is_refused_clearly(db, name, content):
    # A university's logo is a Wagtail image: its upload form checks the file is one.
    form_class = get_image_form(get_image_model())
    with translation.override("ru"):
        form = form_class(
            data={"title": "Logo", "collection": Collection.get_first_root_node().pk},
            files={"file": SimpleUploadedFile(name, content)},
        )
        assert not form.is_valid()
        message = " ".join(form.errors["file"])
    assert message and "Traceback" not in message
    assert re.search("[а-яА-Я]", message), message  # in the reader's language
    assert not get_image_model().objects.exists()


def test_long_names_stay_on_one_page(db, django_capture_on_commit_callbacks):
    university = UniversityFactory(
        code="tnu-long",
        name="Таджикский национальный университет имени Героя Советского Союза и академика "
        "Бободжона Гафурова",
        country="TJ",
        logo=png_logo(),
    )
    policies.certificate_signatory_set(
        university=university,
        name="Абдурахмонзода-Сулаймонович Фаррухджон Саидмуродович",
        title="Проректор по учебной работе и международным связям",
    )
    course = build_course(
        university,
        title="Машинное обучение: от линейной регрессии к глубоким нейронным сетям и "
        "трансформерам, с практикумом на реальных данных Центральной Азии",
        language="ru",
        quiz_in_last_lesson=False,
        modules=1,
    )
    learner = make_member(
        "learner", university, full_name="Ҷӯрабек Ғаффорӣ Ҳақназаров-Сулаймонзода"
    )
    credential = issue(learner, course, django_capture_on_commit_callbacks)
    assert len(render_certificate(credential).pages) == 1
