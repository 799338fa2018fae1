"""The demo's teaching content: one module per course, plus its translations.

Courses are listed in the order they are created: a course's prerequisites come before it.
"""

from . import (
    agriculture_water,
    computer_vision,
    ml_foundations,
    nlp_central_asia,
    python_data_science,
    responsible_ai,
    responsible_ai_ru,
)

COURSES = [
    python_data_science.COURSE,
    ml_foundations.COURSE,
    responsible_ai.COURSE,
    nlp_central_asia.COURSE,
    agriculture_water.COURSE,
    computer_vision.COURSE,
]
TRANSLATIONS = [responsible_ai_ru.TRANSLATION]
