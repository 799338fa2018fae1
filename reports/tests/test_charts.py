"""Dashboard charts: full, wrapped names and a weekly time axis across runs."""

import re
from datetime import date, timedelta
from itertools import pairwise

from django.utils import timezone

from courses.models import CourseRun
from learning.models import Enrollment
from reports import charts, selectors
from reports.access import ReportScope

LONG_NAME = (
    "Tajik National University Faculty of Mechanics and Mathematics, "
    "Department of Applied Artificial Intelligence"
)


def texts(svg: str) -> list[str]:
    """The words a chart draws, tspans of one label joined."""
    labels = re.findall(r"<text[^>]*>(.*?)</text>", str(svg))
    return [" ".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", t)) or t for t in labels]


def test_bar_chart_keeps_long_names_whole_on_several_lines():
    svg = charts.bar_chart("Learners", [(LONG_NAME, 3), ("Short", 1)], chart_id="t")
    assert LONG_NAME in texts(svg)
    first = re.search(r"<text[^>]*>(.*?)</text>", str(svg)).group(1)
    assert first.count("<tspan") >= 2  # wrapped, not cut


def test_funnel_chart_keeps_course_names_whole():
    stages = [("enrolled", "Enrolled"), ("completed", "Completed")]
    course = {"label": LONG_NAME, "enrolled": 4, "completed": 1}
    assert LONG_NAME in texts(charts.funnel_chart("Funnel", [course], stages, chart_id="f"))


def test_names_are_escaped():
    svg = str(charts.bar_chart("T", [("<script>alert(1)</script>", 1)], chart_id="x"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_week_chart_has_a_column_a_week_month_ticks_and_run_markers():
    monday = date(2026, 1, 5)
    weeks = [
        {"week": monday + timedelta(weeks=i), "enrollments": i % 3, "runs": []} for i in range(20)
    ]
    weeks[8]["runs"] = ["Course of A · Spring 2026"]
    svg = str(charts.week_chart("Enrollments per week", weeks, chart_id="w"))
    assert svg.count("<rect") == 20
    ticks = re.findall(r'class="tick">(.*?)</text>', svg)
    assert ticks[:3] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert svg.count('class="run-start"') == 1 and "Course of A · Spring 2026" in svg


def test_enrollment_weeks_span_every_run_with_gaps_filled(world):
    now = timezone.now()
    # The co-taught run's learner enrolled 30 weeks ago, long before the other runs.
    Enrollment.objects.filter(pk=world.e_c_in_c.pk).update(enrolled_at=now - timedelta(weeks=30))
    CourseRun.objects.filter(pk=world.run_c.pk).update(starts_on=(now - timedelta(weeks=29)).date())
    weeks = selectors.enrollment_weeks(ReportScope(university=world.a), now=now)
    mondays = [w["week"] for w in weeks]
    assert all(day.weekday() == 0 for day in mondays)
    assert all(b - a == timedelta(weeks=1) for a, b in pairwise(mondays))
    assert len(weeks) >= 30
    assert sum(w["enrollments"] for w in weeks) == 3  # A's three, however far apart
    assert weeks[0]["enrollments"] == 1 and weeks[-1]["enrollments"] == 2
    started = [w for w in weeks if w["runs"]]
    assert any("Co-taught course · Autumn 2026" in w["runs"] for w in started)


def test_dashboard_shows_the_week_chart_with_its_table_and_full_names(world, client):
    world.a.name = LONG_NAME
    world.a.save()
    client.force_login(world.registrar_a)
    html = client.get(f"/en/reports/?university={world.a.pk}").content.decode()
    assert 'aria-labelledby="weeks-title"' in html and "Enrollments per week" in html
    assert "<caption>Enrollments per week</caption>" in html
    assert LONG_NAME in html  # the table
    assert LONG_NAME in texts(html.split('id="home-title"')[1].split("</svg>")[0])
    assert "Kazakhstan" in html  # countries by name
