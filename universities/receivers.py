"""Keep Wagtail groups and permissions in step with universities and memberships.

Connected by `UniversitiesConfig.ready()` importing this module. The page tree's side
(sections, co-instructors, programs) is kept by `courses.receivers`; the audit log of these
changes is written by `audit.receivers`.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import roles
from .models import Membership, University


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


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance: Membership, **kwargs):
    user = get_user_model().objects.filter(pk=instance.user_id).first()
    if user is None:  # the account itself is being deleted
        return
    user.__dict__.pop("_membership_cache", None)
    roles.membership_groups_sync(user)
