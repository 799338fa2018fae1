"""One stored language per person: the account's, mirrored in Wagtail's user profile.

Wagtail writes its moderation and comment notices in `UserProfile.preferred_language` and
lets people change it on its account page; our emails read `User.preferred_language`. Each
save of one copies the code to the other, so a person chooses once (ADR 0033).
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.users.models import UserProfile

from .languages import language_served


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.language_to_profile")
def language_to_profile(sender, instance, created, update_fields=None, **kwargs):
    if update_fields is not None and "preferred_language" not in update_fields:
        return  # a login's last_login update, say: nothing to copy
    served = language_served(instance.preferred_language)
    if served is None:
        return
    profile = UserProfile.get_for_user(instance)
    if profile.preferred_language != served:
        profile.preferred_language = served
        profile.save(update_fields=["preferred_language"])


@receiver(post_save, sender=UserProfile, dispatch_uid="accounts.language_from_profile")
def language_from_profile(sender, instance, **kwargs):
    served = language_served(instance.preferred_language)
    if served is not None:
        # An update, not a save: no signal back, and no race with the user row's other fields.
        type(instance.user).objects.filter(pk=instance.user_id).exclude(
            preferred_language=served
        ).update(preferred_language=served)
