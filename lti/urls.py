from django.urls import path

from . import deep_linking_views, views

app_name = "lti"

urlpatterns = [
    path("jwks.json", views.jwks, name="jwks"),
    path("login/", views.login, name="login"),
    path("launch/", views.launch, name="launch"),
    path("register/", views.register, name="register"),
    path("contexts/<int:context_id>/roster/", views.roster, name="roster"),
    path("deep-link/", deep_linking_views.deep_link, name="deep_link"),
]
