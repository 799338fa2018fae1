"""Every script of the project's languages reaches the certificate PDF as real glyphs (ADR 0032).

The check reads the PDF WeasyPrint writes: every font it embeds must be one of the template's
stack, every character of the learner's name and the course title must have been drawn with a
glyph that has an outline in the embedded font program, and no text may have fallen to glyph 0
(.notdef, the empty box). With the old DejaVu-only stack the embedded families are wrong;
without a CJK font the Chinese characters fall to .notdef.
"""

from __future__ import annotations

import pytest

from certificates.pdf import certificate_pdf
from learning.models import Enrollment
from tests.factories import build_course, make_member

from .conftest import complete_course
from .pdf_fonts import embedded_fonts

# The letters the project's languages add to Latin and Russian Cyrillic, and Chinese.
TAJIK = "ӣӯҳқҷғ"
KAZAKH = "әғқңөұүһі"
KYRGYZ = "ңөү"
UZBEK = "\u02bb"  # modifier letter turned comma, in oʻ and gʻ
CHINESE = "机器学习导论"
REQUIRED = set(TAJIK + KAZAKH + KYRGYZ + UZBEK + CHINESE)

# The families certificate_pdf.html names (and `make fonts` installs).
STACK = {"Noto Sans", "Noto Sans CJK SC"}

LEARNER_NAME = "Ҷӯрабек Ғаффорӣ Ҳақназаров · Gʻayrat Oʻrinov"
COURSE_TITLE = (
    "Омӯзиши мошинӣ: ҳисоб, қоида, ҷадвал, ғоя · "
    "Машиналық оқыту: әдіс, ғылым, жаңа өнер, ұғым, үлгі, жиһаз, білім · "
    "Машинаны үйрөнүү: маңыз · 机器学习导论"
)


@pytest.mark.parametrize("language", ["tg", "zh-hans"])
def test_certificate_pdf_embeds_a_glyph_for_every_script(
    language, university, django_capture_on_commit_callbacks
):
    assert set(LEARNER_NAME + COURSE_TITLE) >= REQUIRED
    course = build_course(
        university,
        title=COURSE_TITLE,
        language=language,
        quiz_in_last_lesson=False,
        modules=1,
        lessons_per_module=1,
    )
    learner = make_member("learner", university, full_name=LEARNER_NAME)
    # Issued the real way: completion, then the task on commit.
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = complete_course(learner, course)
    assert enrollment.status == Enrollment.Status.COMPLETED
    credential = enrollment.credentials.get()
    assert credential.recipient_name == LEARNER_NAME

    fonts = embedded_fonts(certificate_pdf(credential))

    assert fonts, "the PDF embeds no font"
    assert {font["family"] for font in fonts} <= STACK
    assert set().union(*(font["notdef"] for font in fonts)) == set(), "text fell to .notdef"
    # Every letter of the name and the title was drawn with a glyph that has an outline.
    inked = set().union(*(font["inked"] for font in fonts))
    assert set(LEARNER_NAME + COURSE_TITLE) - {" "} - inked == set()
