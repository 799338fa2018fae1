"""Keep Wagtail groups and permissions in step with universities and memberships.

Connected by `UniversitiesConfig.ready()` importing this module. The page tree's side
(sections, co-instructors, programs) is kept by `courses.receivers`; the audit log of these
changes is written by `audit.receivers`.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import roles
from .models import Membership, University
from .signals import roles_may_have_changed


@receiver(post_save, sender=University)
def provision_university(sender, instance: University, created: bool, raw=False, **kwargs):
    if raw:
        return
    roles.university_roles_provision(instance)


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance: Membership, created: bool, raw=False, **kwargs):
    if raw:
        return
    roles.membership_groups_sync(instance.user)
    roles_may_have_changed.send(sender=Membership, user=instance.user, account_closing=False)


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance: Membership, **kwargs):
    user = get_user_model().objects.filter(pk=instance.user_id).first()
    if user is None:  # the account itself is being deleted
        return
    user.__dict__.pop("_membership_cache", None)
    roles.membership_groups_sync(user)
    roles_may_have_changed.send(sender=Membership, user=user, account_closing=False)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="universities_account_closed")
def account_deactivated(sender, instance, raw=False, **kwargs):
    if not raw and not instance.is_active:
        roles_may_have_changed.send(sender=sender, user=instance, account_closing=False)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="universities_account_gone")
def account_deleting(sender, instance, **kwargs):
    roles_may_have_changed.send(sender=sender, user=instance, account_closing=True)
