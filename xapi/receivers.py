"""Cut LRS credentials whose registrar lost the role they were made in (see `xapi.access`),
and forget this process's memo of a client whose row changed."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from universities.signals import roles_may_have_changed

from .access import client_memo_forget
from .models import LRSClient
from .services import lrs_clients_cut


@receiver(roles_may_have_changed, dispatch_uid="xapi_clients_cut")
def cut_clients_when_a_role_may_have_gone(sender, user, account_closing, **kwargs):
    lrs_clients_cut(user, everything=account_closing)


@receiver(post_save, sender=LRSClient, dispatch_uid="xapi_client_memo_saved")
@receiver(post_delete, sender=LRSClient, dispatch_uid="xapi_client_memo_deleted")
def forget_a_changed_client(sender, instance, **kwargs):
    client_memo_forget(instance.key)
