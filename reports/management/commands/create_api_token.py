"""Create a reports API token for a registrar, as an operator.

The token is printed once, alone on the last line (so `| tail -n 1` captures it); only its
SHA-256 is stored.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports.access import ReportAccessDenied, report_scope_for_staff
from reports.services import ReportError, api_token_create
from universities.models import University


class Command(BaseCommand):
    help = "Create a reports API token for the registrar with this email address."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--university",
            help="University code; needed when the person reports on several universities.",
        )
        parser.add_argument("--name", default="Created by an operator", help="Token name.")
        parser.add_argument(
            "--days",
            help="Lifetime in days (default ILM_API_TOKEN_DEFAULT_DAYS, at most "
            "ILM_API_TOKEN_MAX_DAYS).",
        )

    def handle(self, *args, email, university=None, name, days=None, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with email {email!r}.")
        university_id = None
        if university:
            found = University.objects.filter(code=university).first()
            if found is None:
                raise CommandError(f"No university with code {university!r}.")
            university_id = found.pk
        try:
            scope = report_scope_for_staff(user, university_id)
        except ReportAccessDenied as refused:
            raise CommandError(f"{email}: {refused}") from None
        try:
            token, raw = api_token_create(
                university=scope.university, name=name, created_by=user, lifetime_days=days
            )
        except ReportError as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(
            f"Created API token '{token.name}' for {user.email} at {scope.university.code}. "
            "It is shown once; store it now."
        )
        self.stdout.write(raw)
