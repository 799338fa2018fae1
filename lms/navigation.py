"""Where each person's work is: the header's sections and the page they land on after login.

Role decisions come from the access core only (`universities.access.reach` and
`is_platform_staff`); the section's own gate still decides what the page shows.
- learner (anyone signed in): My learning;
- instructor: Teach; editor: Review queue (the admin dashboard's "Awaiting your review");
- registrar: Reports; platform staff: Admin.
A person with several roles sees every section; they land on the first of Admin, Teach,
Review queue, Reports, My learning that they have.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from universities.access import is_platform_staff, reach
from universities.models import Role


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url: str


def staff_sections(user) -> list[Section]:
    """The staff sections `user` may work in, in header order (empty for learners)."""
    if user is None or not user.is_authenticated:
        return []
    staff = is_platform_staff(user)
    sections = []
    if staff or reach(user, Role.INSTRUCTOR):
        sections.append(Section("teach", _("Teach"), reverse("teaching:runs")))
    if not staff and reach(user, Role.EDITOR):
        sections.append(Section("review", _("Review queue"), reverse("wagtailadmin_home")))
    if staff or reach(user, Role.REGISTRAR):
        sections.append(Section("reports", _("Reports"), reverse("reports_site:dashboard")))
    if staff:
        sections.append(Section("admin", _("Admin"), reverse("wagtailadmin_home")))
    return sections


LANDING_ORDER = ("admin", "teach", "review", "reports")


def landing_url(user) -> str:
    by_key = {section.key: section.url for section in staff_sections(user)}
    for key in LANDING_ORDER:
        if key in by_key:
            return by_key[key]
    return reverse("learning:dashboard")


@login_required
def landing(request):
    """LOGIN_REDIRECT_URL: send the person to where their work is."""
    return redirect(landing_url(request.user))
