"""Server-drawn SVG charts for the registrar dashboard: no JavaScript, a few KB each.

Every chart is decorative for assistive technology beyond its title (`role="img"` with a
title); the numbers themselves are in the data table the template prints underneath.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1f5f8b", "#3d8fc4", "#7fb8de", "#2e8b57"]


def _svg(width: int, height: int, title: str, body: list[str], chart_id: str) -> SafeString:
    # Every piece of text in `body` was escaped where it was built.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title" class="chart">'
        f'<title id="{chart_id}-title">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def column_chart(
    title: str, items: list[tuple[str, int]], *, chart_id: str, width=640, height=220
) -> SafeString:
    """Vertical bars, one per (label, value); used for enrollments per month."""
    top, bottom, left = 16, 36, 36
    plot_h = height - top - bottom
    peak = max((v for _l, v in items), default=0) or 1
    slot = (width - left) / max(len(items), 1)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width}" y2="{top + plot_h}" stroke="#888"/>',
        f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" font-size="11">{peak}</text>',
    ]
    for i, (label, value) in enumerate(items):
        bar_h = plot_h * value / peak
        x = left + i * slot + slot * 0.15
        body.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{bar_h:.1f}" fill="{PALETTE[0]}"/>'
        )
        body.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{height - 18}" text-anchor="middle" '
            f'font-size="10">{escape(label)}</text>'
        )
    return _svg(width, height, title, body, chart_id)


def bar_chart(
    title: str, items: list[tuple[str, int]], *, chart_id: str, width=640, row_h=22
) -> SafeString:
    """Horizontal bars, one per (label, value); used for learners by university/country."""
    left, right = 150, 50
    height = max(1, len(items)) * row_h + 10
    peak = max((v for _l, v in items), default=0) or 1
    body = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row_h
        w = (width - left - right) * value / peak
        body.append(
            f'<text x="{left - 6}" y="{y + row_h * 0.65:.1f}" text-anchor="end" '
            f'font-size="12">{escape(label[:24])}</text>'
        )
        body.append(
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{PALETTE[1]}"/>'
        )
        body.append(
            f'<text x="{left + w + 4:.1f}" y="{y + row_h * 0.65:.1f}" font-size="12">{value}</text>'
        )
    return _svg(width, height, title, body, chart_id)


def funnel_chart(
    title: str, courses: list[dict], stages: list[tuple[str, str]], *, chart_id: str, width=640
) -> SafeString:
    """For each course, one bar per stage (enrolled → completed), scaled to the enrolled."""
    left, right, bar_h, gap = 150, 50, 12, 10
    group_h = bar_h * len(stages) + gap
    legend_h = 20
    height = legend_h + max(1, len(courses)) * group_h + 6
    body = []
    for s, (_key, label) in enumerate(stages):
        x = left + s * 120
        body.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{PALETTE[s % 4]}"/>')
        body.append(f'<text x="{x + 14}" y="13" font-size="11">{escape(label)}</text>')
    for i, course in enumerate(courses):
        y0 = legend_h + i * group_h
        peak = course[stages[0][0]] or 1
        body.append(
            f'<text x="{left - 6}" y="{y0 + group_h / 2:.1f}" text-anchor="end" '
            f'font-size="12">{escape(str(course["label"])[:24])}</text>'
        )
        for s, (key, _label) in enumerate(stages):
            w = (width - left - right) * course[key] / peak
            y = y0 + s * bar_h
            body.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{PALETTE[s % 4]}"/>'
            )
            body.append(
                f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 3}" font-size="10">'
                f"{course[key]}</text>"
            )
    return _svg(width, height, title, body, chart_id)
