"""Language-neutral endpoints of the reports app, mounted at `/api/`: the versioned API.

No `app_name` here: django-ninja reverses its own namespace (`reports_api_v1`) from the root,
which a wrapping namespace would hide.
"""

from django.urls import path

from .api import api

urlpatterns = [
    path("v1/", api.urls),
]
