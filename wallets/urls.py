"""Language-neutral URLs: the well-known metadata documents where wallets look for them, the
wallet-facing endpoints, and the learner's offer page beside their certificates."""

from django.urls import path

from . import views

app_name = "wallets"

urlpatterns = [
    path(".well-known/openid-credential-issuer", views.issuer_metadata, name="issuer_metadata"),
    path(
        ".well-known/oauth-authorization-server",
        views.authorization_server_metadata,
        name="authorization_server_metadata",
    ),
    path("wallet/token", views.token, name="token"),
    path("wallet/nonce", views.nonce, name="nonce"),
    path("wallet/credential", views.credential, name="credential"),
    path("certificates/<uuid:credential_id>/wallet/", views.offer_page, name="offer"),
]
