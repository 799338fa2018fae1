"""Build the peer's content and report it as one JSON line on stdout.

`python -m bench.peer_wagtail_lms.build PARAGRAPHS`: migrates the peer's (empty) database,
adds a course with three H5P lesson pages holding the benchmark's text, enrolls a learner who
has completed the first lesson, and counts the queries of the second lesson page in-process,
as `bench/run.py` does for Ilm. Prints the lesson's URL, the learner's session cookie, the
page's size and its query count.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.peer_wagtail_lms.settings"


def main(paragraphs: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page, Site
    from wagtail_lms.models import CourseEnrollment, CoursePage, H5PLessonCompletion, H5PLessonPage

    from bench.lesson_text import lesson_html

    call_command("migrate", verbosity=0)
    home = Site.objects.get(is_default_site=True).root_page
    course = home.add_child(instance=CoursePage(title="Bench course", slug="bench-course"))
    course.save_revision().publish()
    lessons = []
    for n in range(1, 4):
        lesson = course.add_child(
            instance=H5PLessonPage(
                title=f"Lesson {n}",
                slug=f"lesson-{n}",
                intro="<p>What this lesson teaches.</p>",
                body=[("paragraph", lesson_html(paragraphs))],
            )
        )
        lesson.save_revision().publish()
        lessons.append(Page.objects.get(pk=lesson.pk).specific)
    learner = get_user_model().objects.create_user("learner", "learner@example.org", "x")
    CourseEnrollment.objects.create(user=learner, course=course)
    H5PLessonCompletion.objects.create(user=learner, lesson=lessons[0])

    client = Client(headers={"X-Forwarded-Proto": "https"})
    client.force_login(learner)
    url = lessons[1].url
    client.get(url)  # warm caches a real server would have warm too
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {
        "lesson_url": url,
        "cookie": f"{settings.SESSION_COOKIE_NAME}="
        f"{client.cookies[settings.SESSION_COOKIE_NAME].value}",
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": len(queries),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
