from django.urls import path

from .client_views import client_list
from .forwarding_views import forwarding_page
from .resources.directory import about, activities, agents
from .resources.documents import activity_profile, agent_profile, state
from .resources.statements import statements

app_name = "xapi"

# xAPI resource paths carry no trailing slash: clients build them from the spec's names.
urlpatterns = [
    path("statements", statements, name="statements"),
    path("activities", activities, name="activities"),
    path("activities/state", state, name="state"),
    path("activities/profile", activity_profile, name="activity_profile"),
    path("agents", agents, name="agents"),
    path("agents/profile", agent_profile, name="agent_profile"),
    path("about", about, name="about"),
    path("clients/<slug:code>/", client_list, name="clients"),
    path("forwarding/<slug:code>/", forwarding_page, name="forwarding"),
]
