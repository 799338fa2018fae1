from django.urls import path

from . import views

app_name = "xapi"

# xAPI resource paths carry no trailing slash: clients build them from the spec's names.
urlpatterns = [
    path("statements", views.statements, name="statements"),
    path("activities", views.activities, name="activities"),
    path("activities/state", views.state, name="state"),
    path("activities/profile", views.activity_profile, name="activity_profile"),
    path("agents", views.agents, name="agents"),
    path("agents/profile", views.agent_profile, name="agent_profile"),
    path("about", views.about, name="about"),
    path("clients/<slug:code>/", views.client_list, name="clients"),
]
