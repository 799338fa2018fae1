"""Cut LRS credentials whose registrar lost the role they were made in (see `xapi.access`)."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from universities.models import Membership

from .services import lrs_clients_cut


@receiver(post_save, sender=Membership, dispatch_uid="xapi_clients_cut_on_membership_change")
@receiver(post_delete, sender=Membership, dispatch_uid="xapi_clients_cut_on_membership_end")
def cut_clients_when_the_role_goes(sender, instance, **kwargs):
    lrs_clients_cut(instance.user)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="xapi_clients_cut_inactive")
def cut_clients_of_a_deactivated_account(sender, instance, **kwargs):
    if not instance.is_active:
        lrs_clients_cut(instance)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="xapi_clients_cut_deleted")
def cut_clients_of_a_deleted_account(sender, instance, **kwargs):
    lrs_clients_cut(instance, everything=True)
