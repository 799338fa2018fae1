"""The demo's teaching content: one module per course, plus its translations.

Courses are listed in the order they are created: a course's prerequisites come before it.
"""

from . import (
    agriculture_water,
    computer_vision,
    computer_vision_kk,
    computer_vision_ru,
    computer_vision_uz,
    ml_foundations,
    nlp_central_asia,
    python_data_science,
    responsible_ai,
    responsible_ai_kk,
    responsible_ai_ru,
    responsible_ai_uz,
)

COURSES = [
    python_data_science.COURSE,
    ml_foundations.COURSE,
    responsible_ai.COURSE,
    nlp_central_asia.COURSE,
    agriculture_water.COURSE,
    computer_vision.COURSE,
]
# Whole-course translations, every module and lesson included; every other page gets its title
# and summary translated from `titles.py`.
TRANSLATIONS = [
    responsible_ai_ru.TRANSLATION,
    responsible_ai_kk.TRANSLATION,
    responsible_ai_uz.TRANSLATION,
    computer_vision_ru.TRANSLATION,
    computer_vision_kk.TRANSLATION,
    computer_vision_uz.TRANSLATION,
]
