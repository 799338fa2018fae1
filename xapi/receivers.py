"""Cut LRS credentials whose registrar lost the role they were made in (see `xapi.access`)."""

from django.dispatch import receiver

from universities.signals import roles_may_have_changed

from .services import lrs_clients_cut


@receiver(roles_may_have_changed, dispatch_uid="xapi_clients_cut")
def cut_clients_when_a_role_may_have_gone(sender, user, account_closing, **kwargs):
    lrs_clients_cut(user, everything=account_closing)
