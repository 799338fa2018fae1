"""Writes for the LTI tool: registrations, the platform's keyset cache and accepted launches."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass

import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from jwcrypto import jwk
from wagtail.models import Page

from courses.models import CoursePage, CourseRun
from courses.selectors import current_run_for
from learning.models import Enrollment
from learning.services import LearningError, enrollment_create
from universities.models import Role, University
from universities.services import membership_grant

from .models import ContextLink, LaunchNonce, LtiIdentity, PlatformRegistration
from .tokens import AGS, DL, LTI, NRPS, LaunchError, is_instructor

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 10
KEYSET_MAX_AGE = dt.timedelta(hours=24)
NONCE_LIFETIME = dt.timedelta(hours=2)


@transaction.atomic
def registration_save(
    *,
    university: University,
    issuer: str,
    client_id: str,
    auth_url: str,
    token_url: str,
    keyset_url: str,
    deployment_ids: list[str],
    name: str = "",
    registration: PlatformRegistration | None = None,
) -> PlatformRegistration:
    """Trust a partner platform (or change what Ilm knows of it) on behalf of `university`.

    A registration for the same issuer and client id is updated, and a deployment id it
    already had is kept, so dynamic registration run twice adds rather than replaces.
    """
    registration = (
        registration
        or PlatformRegistration.objects.filter(issuer=issuer, client_id=client_id).first()
        or PlatformRegistration(issuer=issuer, client_id=client_id)
    )
    known = registration.deployments if registration.pk else []
    registration.university = university
    registration.name = name or registration.name
    registration.auth_url = auth_url
    registration.token_url = token_url
    registration.keyset_url = keyset_url
    registration.deployment_ids = "\n".join(dict.fromkeys([*known, *deployment_ids]))
    registration.full_clean()
    registration.save()
    return registration


def keyset_of(registration: PlatformRegistration, *, refresh: bool = False) -> jwk.JWKSet:
    """The platform's public keys: cached on the row, fetched when stale or when asked."""
    fresh = registration.keyset_fetched_at and (
        timezone.now() - registration.keyset_fetched_at < KEYSET_MAX_AGE
    )
    if refresh or not fresh or not registration.keyset:
        try:
            answer = requests.get(registration.keyset_url, timeout=REQUEST_TIMEOUT_SECONDS)
            answer.raise_for_status()
            keys = answer.json()
            jwk.JWKSet.from_json(answer.text)
        except (requests.RequestException, ValueError) as error:
            logger.warning("lti keyset of %s unreadable: %s", registration.pk, error)
            if not registration.keyset:
                raise LaunchError(
                    "keyset_unreachable", _("The platform's keys could not be read.")
                ) from None
        else:
            registration.keyset = keys
            registration.keyset_fetched_at = timezone.now()
            registration.save(update_fields=["keyset", "keyset_fetched_at"])
    return jwk.JWKSet.from_json(json.dumps(registration.keyset))


# --- accepting a verified launch ----------------------------------------------------------------


@dataclass(frozen=True)
class Launch:
    user: object
    run: CourseRun
    page: object
    instructor: bool


def _page_launched(registration: PlatformRegistration, claims: dict):
    """The Ilm page the launch names (the custom `ilm_page_id` deep linking put there), and
    its course, provided the partner has been given that course."""
    custom = claims.get(LTI + "custom") or {}
    page_id = str(custom.get("ilm_page_id", ""))
    page = Page.objects.live().filter(pk=page_id).first() if page_id.isdigit() else None
    if page is None:
        raise LaunchError("unknown_page", _("The launched Ilm page does not exist."), status=403)
    course = CoursePage.objects.ancestor_of(page, inclusive=True).first()
    given = registration.courses.values_list("translation_key", flat=True)
    if course is None or course.translation_key not in set(given):
        raise LaunchError(
            "course_not_given",
            _("Your university has not been given this Ilm course."),
            status=403,
        )
    return page.specific, course


def _synthetic_email(issuer: str, sub: str) -> str:
    # Accounts made by a launch get an address of their own; the platform's email is kept on
    # the identity, never used to find or claim an existing account (ADR 0058).
    digest = hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()[:24]
    return f"lti-{digest}@lti.invalid"


def _user_for(registration: PlatformRegistration, claims: dict):
    issuer, sub = claims["iss"], claims["sub"]
    identity = LtiIdentity.objects.select_related("user").filter(issuer=issuer, sub=sub).first()
    if identity is not None:
        return identity.user
    user = get_user_model().objects.create_user(
        email=_synthetic_email(issuer, sub), full_name=str(claims.get("name", ""))[:200]
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    LtiIdentity.objects.create(
        registration=registration,
        issuer=issuer,
        sub=sub,
        user=user,
        email=str(claims.get("email", ""))[:254],
    )
    return user


def _run_of(course) -> CourseRun:
    run = current_run_for(course)
    if run is None:
        today = timezone.localdate()
        run = (
            CourseRun.objects.filter(
                course__translation_key=course.translation_key,
                starts_on__lte=today,
                ends_on__gte=today,
            )
            .order_by("starts_on", "pk")
            .first()
        )
    if run is None:
        raise LaunchError("no_run", _("This course has no run open now."), status=403)
    return run


def _nonce_spend(registration: PlatformRegistration, nonce: str) -> None:
    LaunchNonce.objects.filter(expires_at__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            LaunchNonce.objects.create(
                registration=registration,
                nonce=nonce,
                expires_at=timezone.now() + NONCE_LIFETIME,
            )
    except IntegrityError:
        raise LaunchError(
            "reused_nonce", _("This launch was already used. Launch again.")
        ) from None


@transaction.atomic
def launch_accept(*, registration: PlatformRegistration, claims: dict) -> Launch:
    """After `tokens.launch_claims` verified the token: spend its nonce, find or make the
    person's account (linked by the issuer's `sub` only), tie them to the partner university,
    and enroll a learner in the course's run (an instructor gets the run's teaching tools).
    Anything refused raises `LaunchError` and the transaction writes nothing."""
    _nonce_spend(registration, claims["nonce"])
    page, course = _page_launched(registration, claims)
    run = _run_of(course)
    instructor = is_instructor(claims)
    user = _user_for(registration, claims)
    context = claims.get(LTI + "context") or {}
    link = None
    if context.get("id"):
        link, _created = ContextLink.objects.get_or_create(
            registration=registration, context_id=str(context["id"])[:255], run=run
        )
        link.title = str(context.get("title", ""))[:255]
        link.lineitems_url = (claims.get(AGS) or {}).get("lineitems", "") or link.lineitems_url
        link.memberships_url = (claims.get(NRPS) or {}).get(
            "context_memberships_url", ""
        ) or link.memberships_url
        link.save()
    if instructor:
        # No university role: the teaching tools of this run only (ADR 0058).
        if link is None:
            raise LaunchError("no_context", _("An instructor launch must name its course."))
        link.instructors.add(user)
        return Launch(user=user, run=run, page=page, instructor=True)
    try:
        membership_grant(user=user, university=registration.university, role=Role.LEARNER)
    except ValidationError:  # a learner of another university: refuse, write nothing
        raise LaunchError(
            "other_university",
            _("This account already belongs to another university as a learner."),
            status=403,
        ) from None
    enrolled = (
        Enrollment.objects.filter(learner=user, run=run)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .exists()
    )
    if not enrolled:
        try:
            enrollment_create(learner=user, run=run)
        except LearningError as error:
            raise LaunchError(error.code, error.message, status=403) from None
    if link is not None:
        link.learners.add(user)
    return Launch(user=user, run=run, page=page, instructor=False)


@dataclass(frozen=True)
class DeepLinkRequest:
    user: object
    return_url: str
    data: object
    deployment_id: str


@transaction.atomic
def deep_linking_accept(*, registration: PlatformRegistration, claims: dict) -> DeepLinkRequest:
    """After the token verified: an instructor's request to place Ilm content (Deep Linking
    2.0 §4.4). Learners are refused; the settings are what the response must answer to."""
    if not is_instructor(claims):
        raise LaunchError(
            "not_instructor", _("Only instructors may place Ilm content."), status=403
        )
    settings_claim = claims.get(DL + "deep_linking_settings") or {}
    return_url = settings_claim.get("deep_link_return_url")
    if not isinstance(return_url, str) or not return_url.startswith(("https://", "http://")):
        raise LaunchError("no_return_url", _("The request names no address to return to."))
    _nonce_spend(registration, claims["nonce"])
    return DeepLinkRequest(
        user=_user_for(registration, claims),
        return_url=return_url,
        data=settings_claim.get("data"),
        deployment_id=claims[LTI + "deployment_id"],
    )
