from django.urls import path

from . import views_ags, views_launch, views_nrps, views_register, views_token

urlpatterns = [
    path(".well-known/openid-configuration", views_register.openid_configuration),
    path(".well-known/jwks.json", views_register.jwks),
    path("register", views_register.register),
    path("auth", views_launch.auth),
    path("token", views_token.token),
    path("deep-link/return", views_launch.deep_link_return),
    path("contexts/<str:context_id>/lineitems", views_ags.lineitems),
    path("contexts/<str:context_id>/lineitems/<str:key>", views_ags.lineitem),
    path("contexts/<str:context_id>/lineitems/<str:key>/scores", views_ags.scores),
    path("contexts/<str:context_id>/lineitems/<str:key>/results", views_ags.results),
    path("contexts/<str:context_id>/memberships", views_nrps.memberships),
    path("driver/registration-start", views_register.driver_registration_start),
    path("driver/clients", views_register.driver_clients),
    path("driver/launch", views_launch.driver_launch),
    path("driver/links", views_launch.driver_links),
    path("driver/lineitems", views_ags.driver_lineitems),
    path("driver/scores", views_ags.driver_scores),
    path("driver/refuse-scores", views_ags.driver_refuse_scores),
    path("driver/roster", views_nrps.driver_roster),
]
