"""The text of the benchmark's lesson, the same for Ilm and its peer."""

SENTENCES = (
    "Rivers in the region are fed by snow and glaciers, so spring and summer flows follow "
    "the temperature in the mountains.",
    "A forecast that knows the snow stored in the basin, the air temperature at altitude and "
    "the flow of the previous days does well for a week ahead.",
    "Irrigation canals take water at the head of each valley and return part of it further "
    "down, which the measured flow at the outlet does not show.",
    "Students compare the two records, name the missing terms of the balance and estimate "
    "them from the map of the fields.",
)


def lesson_html(paragraphs: int) -> str:
    """`paragraphs` paragraphs of about 520 characters of HTML each."""
    return "".join(f"<p>Part {n + 1}. {' '.join(SENTENCES)}</p>" for n in range(paragraphs))
