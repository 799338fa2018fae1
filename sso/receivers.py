"""Signal handlers: remember which university signed a person in; apply a connected account."""

from allauth.account.signals import user_logged_in
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.signals import social_account_added
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .adapter import SESSION_PROVIDER_KEY, identity_for_connected_account
from .models import UniversitySignIn
from .services import identity_apply


@receiver(user_logged_in, dispatch_uid="sso_remember_provider")
def remember_provider(sender, request, user, sociallogin=None, **kwargs):
    # Read again at sign-out, for single logout at the same provider.
    if sociallogin is not None:
        request.session[SESSION_PROVIDER_KEY] = sociallogin.account.provider
    else:
        request.session.pop(SESSION_PROVIDER_KEY, None)


@receiver(social_account_added, dispatch_uid="sso_apply_connected_account")
def apply_connected_account(sender, request, sociallogin, **kwargs):
    # The person proved they own the local account (they were signed in to it) and then
    # proved the university account: only now does the university's membership follow.
    found = identity_for_connected_account(sociallogin)
    if found is not None:
        sign_in, identity = found
        identity_apply(user=sociallogin.user, sign_in=sign_in, identity=identity)


@receiver(post_delete, sender=UniversitySignIn, dispatch_uid="sso_drop_social_app")
def drop_social_app(sender, instance, **kwargs):
    # A university without a sign-in keeps no provider credentials behind.
    SocialApp.objects.filter(pk=instance.social_app_id).delete()
