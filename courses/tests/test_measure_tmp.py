import pytest
from pathlib import Path
from django.conf import settings
from tests import factories as f
from learning import services
from courses.tests.helpers import with_stable_quiz_ids

@pytest.mark.django_db
def test_measure(client):
    tnu = f.UniversityFactory(code="tnu", name="Tajik National University")
    course = f.build_course(tnu, modules=4, lessons_per_module=6, title="Machine learning foundations for Central Asia")
    lesson = f.lessons_of(course)[5]
    para = "<p>" + ("Gradient descent adjusts each weight a little in the direction that lowers the loss. " * 10) + "</p>"
    quiz = f.quiz_block(questions=[(f"Question {i}: which statement about overfitting is true?", [("A model that memorises noise", True), ("A model with too few parameters", False), ("A model trained for too few epochs", False), ("None of these", False)]) for i in range(6)])
    lesson.body = [{"type": "rich_text", "value": para * 12}, {"type": "heading", "value": {"text": "Worked example", "level": "h2"}}, {"type": "code", "value": {"language": "python", "code": "for epoch in range(10):\n    loss = step(model, batch)\n" * 10}}, {"type": "callout", "value": {"tone": "tip", "body": "<p>Start with a small learning rate.</p>"}}, {"type": "video", "value": {"url": "https://example.org/v", "title": "Lecture", "duration_minutes": 12, "transcript": "Hello " * 200}}, quiz]
    f.publish(lesson)
    with_stable_quiz_ids(course)
    run = f.open_run(course)
    learner = f.make_member("learner", tnu)
    services.enrollment_create(learner=learner, run=run)
    client.force_login(learner)
    css = Path(settings.BASE_DIR, "lms", "static", "css", "site.css").stat().st_size
    for url in [lesson.url, course.url, "/en/catalogue/", "/en/learn/"]:
        r = client.get(url)
        print("MEASURE", url, r.status_code, len(r.content), "css", css, "total", len(r.content) + css)
    import gzip
    r = client.get(lesson.url)
    print("MEASURE gz", len(gzip.compress(r.content)))
