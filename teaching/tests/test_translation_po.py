"""Outside translators work on PO files: downloaded and uploaded through wagtail-localize."""

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail_localize.models import StringTranslation

from teaching import translation_status as ts
from tests import factories as f

from .test_translation_status import cells, locale, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    university = f.UniversityFactory(code="tpo")
    course = f.build_course(university, title="Course to export", modules=1)
    translation = translate(course, "ru")
    return university, course, translation


def download(client, translation):
    response = client.get(reverse("wagtail_localize:download_pofile", args=[translation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-gettext-translation")
    return polib.pofile(response.content.decode())


def upload(client, translation, content: bytes):
    return client.post(
        reverse("wagtail_localize:upload_pofile", args=[translation.pk]),
        {"file": SimpleUploadedFile("course.po", content), "next": reverse("course_translations")},
        follow=True,
    )


@pytest.mark.parametrize("role", ["instructor", "editor"])
def test_a_po_file_round_trips_through_the_admin(client, setup, role):
    university, course, translation = setup
    client.force_login(f.make_member(role, university))
    po = download(client, translation)
    [title] = [entry for entry in po if entry.msgctxt == "title"]
    assert title.msgid == "Course to export"
    title.msgstr = "Курс на экспорт"
    response = upload(client, translation, str(po).encode())
    assert response.status_code == 200
    stored = StringTranslation.objects.get(locale=locale("ru"), context__path="title")
    assert stored.data == "Курс на экспорт"
    cell = cells(course)["ru"]
    assert (cell.state, cell.translated) == (ts.INCOMPLETE, 1)


def test_the_status_table_links_to_the_po_download(client, setup):
    university, _course, translation = setup
    client.force_login(f.make_member("instructor", university))
    html = client.get(reverse("course_translations")).content.decode()
    assert reverse("wagtail_localize:download_pofile", args=[translation.pk]) in html


def test_another_universitys_instructor_cannot_download_or_upload(client, setup):
    _university, _course, translation = setup
    client.force_login(f.make_member("instructor", f.UniversityFactory(code="tpx")))
    url = reverse("wagtail_localize:download_pofile", args=[translation.pk])
    assert client.get(url).status_code in (302, 403)


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a PO file at all\x00\xff",
        b'msgid "unterminated\nmsgstr "',
        b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        b'msgid "x"\nmsgstr "y"\n',
    ],
    ids=["binary", "syntax", "no-translation-id"],
)
def test_a_malformed_po_file_is_refused_clearly_and_changes_nothing(client, setup, content):
    university, _course, translation = setup
    client.force_login(f.make_member("editor", university))
    before = StringTranslation.objects.count()
    response = upload(client, translation, content)
    # The wagtail-localize URL itself is guarded: no server error, a message, nothing stored.
    assert response.redirect_chain[-1][0] == reverse("course_translations")
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    assert "Nothing was imported." in message
    assert StringTranslation.objects.count() == before


def test_a_po_file_of_another_translation_is_refused(client, setup):
    university, course, translation = setup
    client.force_login(f.make_member("editor", university))
    other = translate(course, "tg")
    po = download(client, other)
    for entry in po:
        entry.msgstr = "wrong language"
    response = upload(client, translation, str(po).encode())
    [message] = [str(m) for m in response.context["messages"]]
    assert "not downloaded for this translation" in message
    assert not StringTranslation.objects.exists()


def test_the_upload_form_in_the_teaching_table_imports_and_comes_back(client, setup):
    university, _course, translation = setup
    client.force_login(f.make_member("instructor", university))
    dashboard = reverse("teaching:runs")
    html = client.get(dashboard).content.decode()
    upload_url = reverse("wagtail_localize:upload_pofile", args=[translation.pk])
    assert f'action="{upload_url}"' in html
    assert f'name="next" value="{dashboard}"' in html
    po = download(client, translation)
    for entry in po:
        entry.msgstr = f"ru-{entry.msgid}"
    response = client.post(
        upload_url,
        {"file": SimpleUploadedFile("course.po", str(po).encode()), "next": dashboard},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == dashboard
    assert "Complete" in response.content.decode()
    assert StringTranslation.objects.filter(locale=locale("ru")).count() == len(po)
