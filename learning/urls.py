from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("enroll/", views.enroll, name="enroll"),
    path("enrollments/<int:enrollment_id>/withdraw/", views.withdraw, name="withdraw"),
    path("programs/enroll/", views.program_enroll, name="program_enroll"),
    path("lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path("lessons/<int:lesson_id>/quiz/start/", views.quiz_start, name="quiz_start"),
    path("lessons/<int:lesson_id>/quiz/", views.quiz_submit, name="quiz_submit"),
]
