"""Server-drawn SVG charts for the registrar dashboard: no JavaScript, a few KB each.

Every chart is decorative for assistive technology beyond its title (`role="img"` with a
title); the numbers themselves are in the data table the template prints underneath.

Names are never cut: a long course or university name wraps onto more lines above its bar,
which is also what keeps the charts legible when a 640-unit drawing shrinks to a phone.
"""

import textwrap
from datetime import date

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1f5f8b", "#3d8fc4", "#7fb8de", "#2e8b57"]
WIDTH = 640
LABEL_SIZE = 14
LINE_H = 17
# About how many characters of a 14-unit label fit across the drawing.
WRAP_CHARS = 62


def _svg(width: int, height: int, title: str, body: list[str], chart_id: str) -> SafeString:
    # Every piece of text in `body` was escaped where it was built.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title" class="chart">'
        f'<title id="{chart_id}-title">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def wrap_label(label, width: int = WRAP_CHARS) -> list[str]:
    """A name as lines of at most `width` characters, broken between words (a word longer
    than a line is broken inside). Nothing is dropped."""
    return textwrap.wrap(str(label), width=width, break_long_words=True) or [""]


def _label(x: float, y: float, lines: list[str], size: int = LABEL_SIZE) -> str:
    """Multi-line text whose first baseline is at `y`."""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else LINE_H}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}">{spans}</text>'


def bar_chart(
    title: str, items: list[tuple[str, int]], *, chart_id: str, width=WIDTH, bar_h=16
) -> SafeString:
    """Horizontal bars, one per (label, value), each under its full, wrapped label; used for
    learners by university and by country."""
    right = 56
    peak = max((v for _l, v in items), default=0) or 1
    body, y = [], 4
    for label, value in items:
        lines = wrap_label(label)
        body.append(_label(0, y + LABEL_SIZE, lines))
        y += len(lines) * LINE_H + 2
        w = (width - right) * value / peak
        body.append(
            f'<rect x="0" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[1]}"/>'
            f'<text x="{w + 4:.1f}" y="{y + bar_h - 3}" font-size="{LABEL_SIZE}">{value}</text>'
        )
        y += bar_h + 10
    return _svg(width, max(y, 20), title, body, chart_id)


def funnel_chart(
    title: str, courses: list[dict], stages: list[tuple[str, str]], *, chart_id: str, width=WIDTH
) -> SafeString:
    """For each course, its full name, then one bar per stage (enrolled → completed), scaled
    to the enrolled."""
    right, bar_h = 56, 13
    body, y = [], 4
    for s, (_key, label) in enumerate(stages):
        x = s * 150
        body.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PALETTE[s % 4]}"/>')
        body.append(f'<text x="{x + 16}" y="{y + 11}" font-size="13">{escape(label)}</text>')
    y += 26
    for course in courses:
        lines = wrap_label(course["label"])
        body.append(_label(0, y + LABEL_SIZE, lines))
        y += len(lines) * LINE_H + 2
        peak = course[stages[0][0]] or 1
        for s, (key, _label_text) in enumerate(stages):
            w = (width - right) * course[key] / peak
            body.append(
                f'<rect x="0" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{PALETTE[s % 4]}"/>'
                f'<text x="{w + 4:.1f}" y="{y + bar_h - 3}" font-size="12">{course[key]}</text>'
            )
            y += bar_h
        y += 10
    return _svg(width, max(y, 20), title, body, chart_id)


def _tick_months(weeks: int) -> int:
    """Label every month on a short axis, every quarter or half-year on a long one."""
    if weeks <= 30:
        return 1
    if weeks <= 80:
        return 3
    return 6


def week_chart(
    title: str, weeks: list[dict], *, chart_id: str, width=WIDTH, height=240
) -> SafeString:
    """Enrollments per week on a time axis: one column per week (`{"week": monday,
    "enrollments": n, "runs": [...]}`), the axis labelled with months, and a dashed line
    where a run started, so the intake of every run shows as its own peak."""
    top, bottom, left = 18, 40, 40
    plot_h = height - top - bottom
    base = top + plot_h
    peak = max((w["enrollments"] for w in weeks), default=0) or 1
    slot = (width - left) / max(len(weeks), 1)
    body = [
        f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="#555"/>',
        f'<line x1="{left}" y1="{top}" x2="{width}" y2="{top}" stroke="#ddd"/>',
        f'<text x="{left - 5}" y="{top + 5}" text-anchor="end" font-size="13">{peak}</text>',
        f'<text x="{left - 5}" y="{base}" text-anchor="end" font-size="13">0</text>',
    ]
    every = _tick_months(len(weeks))
    for i, week in enumerate(weeks):
        x = left + i * slot
        day: date = week["week"]
        if week["runs"]:
            names = "; ".join(week["runs"])
            body.append(
                f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{base}" stroke="{PALETTE[3]}" '
                f'stroke-dasharray="4 3" class="run-start"><title>{escape(names)}</title></line>'
            )
        bar_h = plot_h * week["enrollments"] / peak
        body.append(
            f'<rect x="{x + slot * 0.1:.1f}" y="{base - bar_h:.1f}" width="{slot * 0.8:.1f}" '
            f'height="{bar_h:.1f}" fill="{PALETTE[0]}"/>'
        )
        # A tick at the week holding a month's first Monday, every `every` months; none so
        # close to the right edge that its label would be cut.
        if day.day <= 7 and (day.month - 1) % every == 0 and x < width - 56:
            body.append(
                f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 5}" stroke="#555"/>'
                f'<text x="{x:.1f}" y="{base + 20}" font-size="13" class="tick">'
                f"{escape(date_format(day, 'M Y'))}</text>"
            )
    return _svg(width, height, title, body, chart_id)
