from django.urls import path

from . import views

app_name = "teaching"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("runs/<int:run_id>/roster/", views.roster, name="roster"),
    path("runs/<int:run_id>/roster.csv", views.roster_csv, name="roster_csv"),
    path("runs/<int:run_id>/gradebook/", views.gradebook, name="gradebook"),
    path(
        "runs/<int:run_id>/gradebook.csv",
        views.gradebook_export,
        {"file_type": "csv"},
        name="gradebook_csv",
    ),
    path(
        "runs/<int:run_id>/gradebook.xlsx",
        views.gradebook_export,
        {"file_type": "xlsx"},
        name="gradebook_xlsx",
    ),
    path("runs/<int:run_id>/quizzes/", views.quiz_analysis, name="quiz_analysis"),
    path("runs/<int:run_id>/enroll/", views.bulk_enrollment, name="bulk_enrollment"),
    path("runs/<int:run_id>/announcements/", views.announcements, name="announcements"),
]
