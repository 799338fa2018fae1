"""Choose how a university's new credentials identify the learner."""

from django.core.management.base import BaseCommand, CommandError

from certificates.models import RecipientIdentification
from certificates.policies import PolicyError, credential_policy_set
from universities.models import University


class Command(BaseCommand):
    help = (
        "How new credentials of a university identify the learner: by name only, or by name "
        "and a salted SHA-256 hash of the email address (Open Badges 3.0 IdentityObject)."
    )

    def add_arguments(self, parser):
        parser.add_argument("university", help="the university's short code")
        parser.add_argument("choice", choices=RecipientIdentification.values)

    def handle(self, *args, university, choice, **options):
        found = University.objects.filter(code=university).first()
        if found is None:
            raise CommandError(f"no university with code {university!r}")
        try:
            credential_policy_set(university=found, recipient_identification=choice)
        except PolicyError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{found.code}: new credentials identify learners by {choice}")
