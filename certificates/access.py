"""Who may fetch what. The verification page and the signed JSON are public on purpose:
they show only what the credential itself holds. The PDF and the dashboard list are the
learner's own."""

from django.db.models import QuerySet
from django.http import Http404

from learning.models import ProgramEnrollment
from universities.access import object_or_404, reach
from universities.models import Role

from .models import Credential, IssuanceFailure


def credential_for_learner(user, credential_id) -> Credential:
    """The learner's own credential, or 404 (never 403: no hint that the id exists)."""
    if not user.is_authenticated:
        raise Http404
    return object_or_404(
        Credential.objects.select_related("university").filter(learner=user), pk=credential_id
    )


def program_enrollment_for_learner(user, program_id) -> ProgramEnrollment:
    """The learner's own enrollment in a joint program, for their learner record, or 404:
    another learner's program, or one they never joined, answers as a missing one does."""
    if not user.is_authenticated:
        raise Http404
    return object_or_404(
        ProgramEnrollment.objects.select_related(
            "learner", "program__lead_university", "program__locale"
        ).filter(learner=user),
        program_id=program_id,
    )


def credential_public(credential_id) -> Credential:
    return object_or_404(Credential.objects.select_related("university"), pk=credential_id)


def may_manage_credentials(user) -> bool:
    """Whether `user` is registrar somewhere (or platform staff): the list page opens."""
    return bool(reach(user, Role.REGISTRAR))


def credentials_for_registrar(user) -> QuerySet[Credential]:
    """Credentials the user may revoke or un-revoke: those issued by a university where they
    are registrar (every one, for platform staff)."""
    return reach(user, Role.REGISTRAR).filter(Credential.objects.select_related("university"))


def credential_for_registrar(user, credential_id) -> Credential:
    """One credential of `credentials_for_registrar`, or 404, so a forged id learns nothing
    (a malformed id from a caller that bypassed the URL's uuid converter included)."""
    return object_or_404(credentials_for_registrar(user), pk=credential_id)


def issuance_failures_for_registrar(user) -> QuerySet[IssuanceFailure]:
    """Credentials owed but not yet issued, of the universities where `user` is registrar."""
    return reach(user, Role.REGISTRAR).filter(
        IssuanceFailure.objects.select_related(
            "university",
            "enrollment__learner",
            "enrollment__run__course",
            "program_enrollment__learner",
            "program_enrollment__program",
        )
    )


def universities_for_credential_settings(user) -> QuerySet:
    """Universities whose certificate settings `user` may change: where they are registrar
    (every one, for platform staff)."""
    return reach(user, Role.REGISTRAR).universities().select_related("logo").order_by("code")


def university_for_credential_settings(user, code: str):
    """One university of `universities_for_credential_settings`, or 404."""
    return object_or_404(universities_for_credential_settings(user), code=code)
