"""The certificate standing of enrollments, for pages that list learners.

`learning` sits below `certificates`, and the instructor tools in `teaching` sit beside it, so
neither may import it. `certificates` registers a provider here from its `AppConfig.ready()`
(the same shape as `learning.notices`); a page asks once for all the enrollments it shows.
"""

from collections.abc import Callable, Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REVOKED = "revoked", _("Revoked")
    FAILED = "failed", _("Issuing failed, will retry")
    NOT_ISSUED = "not_issued", _("Not issued yet")
    NOT_EARNED = "not_earned", _("Not earned")


# A provider takes enrollment ids and answers {enrollment id: status} for those it knows of.
StatusProvider = Callable[[Iterable[int]], dict[int, str]]

_providers: list[StatusProvider] = []


def certificate_status_register(provider: StatusProvider) -> StatusProvider:
    """Add a provider (once, however often an app's `ready()` runs)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def certificate_statuses(enrollments: Iterable) -> dict[int, str]:
    """Each enrollment's certificate status: what a provider reports, else "not issued yet"
    for a completed enrollment and "not earned" for the rest."""
    enrollments = list(enrollments)
    ids = [e.pk for e in enrollments]
    known: dict[int, str] = {}
    if ids:
        for provider in _providers:
            known.update(provider(ids))
    return {
        e.pk: known.get(
            e.pk,
            CertificateStatus.NOT_ISSUED if e.is_completed else CertificateStatus.NOT_EARNED,
        )
        for e in enrollments
    }
