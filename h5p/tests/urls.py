"""The project's URLs plus a bare lesson view, for the browser test.

The lesson view renders a lesson's body blocks inside the site layout, after the same learning
gate a lesson page uses; it lets the H5P block be played in a real browser independently of
how `courses` styles its lesson page.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from courses.models import LessonPage
from learning.access import lesson_for_learner
from lms.urls import urlpatterns as project_urlpatterns

LESSON_TEMPLATE = """{% extends "base.html" %}{% load wagtailcore_tags %}
{% block content %}<h1>{{ page.title }}</h1>
{% for block in page.body %}{% include_block block %}{% endfor %}{% endblock %}"""


@login_required
def lesson_view(request, pk):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=pk)
    lesson_for_learner(request.user, lesson)
    template = engines["django"].from_string(LESSON_TEMPLATE)
    return HttpResponse(template.render({"page": lesson, "self": lesson}, request))


urlpatterns = [
    path("h5p-test/lesson/<int:pk>/", lesson_view, name="h5p_test_lesson"),
    *project_urlpatterns,
]
