"""Everything Ilm holds about one learner, gathered from the apps that hold it.

Each app reads its own tables (`learning.selectors.learner_records`, `h5p.selectors`,
`xapi.selectors`, `certificates.selectors`, `wallets.selectors`, `audit.selectors`); this
module only composes them. The number of queries is fixed, whatever the learner has done:
one or two per section.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress

from audit.selectors import audit_records_of
from certificates.selectors import credential_records_of
from h5p.selectors import h5p_records_of
from learning.selectors import learner_records
from universities.models import Membership
from wallets.selectors import wallet_records_of
from xapi.selectors import xapi_records_of

# The sections of the download, in the order a reader meets them.
SECTIONS = (
    "profile",
    "email_addresses",
    "memberships",
    "program_enrollments",
    "enrollments",
    "lesson_progress",
    "quiz_attempts",
    "activity_results",
    "h5p_attempts",
    "h5p_interactions",
    "h5p_saved_state",
    "xapi_statements",
    "xapi_documents",
    "credentials",
    "wallet_offers",
    "wallet_deliveries",
    "audit_events",
)


def learner_emails(user) -> list[str]:
    """Every address the account has had confirmed or added, and its login address."""
    emails = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return sorted(emails | {user.email})


def learner_data(user) -> dict[str, list[dict]]:
    """The learner's data, section by section (`SECTIONS`), for their own download.

    Only ever called with the logged-in user: there is no way to ask for someone else's.
    """
    emails = learner_emails(user)
    memberships = list(
        Membership.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values(
            "pk", "university__code", "university__name", "role", "student_number", "created_at"
        )
    )
    credentials = credential_records_of(user)
    data = {
        "profile": [
            {
                "email": user.email,
                "full_name": user.full_name,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "preferred_language": user.preferred_language,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            }
        ],
        "email_addresses": list(
            EmailAddress.objects.filter(user=user)
            .order_by("pk")
            .values("email", "verified", "primary")
        ),
        "memberships": [{k: v for k, v in m.items() if k != "pk"} for m in memberships],
        **learner_records(user),
        **h5p_records_of(user),
        **xapi_records_of(user, emails),
        "credentials": credentials,
        **wallet_records_of(user),
        "audit_events": audit_records_of(
            user,
            targets={
                "universities.membership": [m["pk"] for m in memberships],
                "certificates.credential": [c["id"] for c in credentials],
            },
        ),
    }
    return {section: data[section] for section in SECTIONS}
