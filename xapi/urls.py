from django.urls import path

from .client_views import client_list
from .forwarding_views import (
    forwarding_backfill,
    forwarding_page,
    forwarding_reactivate,
    forwarding_retry,
)
from .resources.directory import about, activities, agents
from .resources.documents import activity_profile, agent_profile, state
from .resources.statements import statements
from .retention_views import retention_page

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
    path("forwarding/<slug:code>/<int:lrs_id>/retry/", forwarding_retry, name="forwarding_retry"),
    path(
        "forwarding/<slug:code>/<int:lrs_id>/reactivate/",
        forwarding_reactivate,
        name="forwarding_reactivate",
    ),
    path(
        "forwarding/<slug:code>/<int:lrs_id>/backfill/",
        forwarding_backfill,
        name="forwarding_backfill",
    ),
    path("retention/<slug:code>/", retention_page, name="retention"),
]
