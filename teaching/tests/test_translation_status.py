import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from teaching import translation_status as ts
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_courses_needing_translation_are_listed_with_their_state(client):
    a = f.UniversityFactory(code="tra")
    b = f.UniversityFactory(code="trb")
    course = f.build_course(a, title="Translated course", modules=1, lessons_per_module=1)
    source, _created = TranslationSource.get_or_create_from_instance(course)
    Translation.objects.create(source=source, target_locale=Locale.objects.get(language_code="ru"))
    [state] = ts.course_translation_states()
    assert (state.course.pk, state.language, state.state) == (course.pk, "ru", ts.INCOMPLETE)
    assert state.translated < state.total

    course.summary = "Changed after extraction."
    course.save_revision()
    [state] = ts.course_translation_states()
    assert state.state == ts.SOURCE_CHANGED

    client.force_login(f.make_member("instructor", a))
    page = client.get(reverse("course_translations"))
    assert page.status_code == 200
    assert b"Translated course" in page.content
    client.force_login(f.make_member("instructor", b))
    page = client.get(reverse("course_translations"))
    assert page.status_code == 200
    assert b"Translated course" not in page.content
    client.force_login(f.make_member("learner", a))
    assert client.get(reverse("course_translations")).status_code in (302, 403)
