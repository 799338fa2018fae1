"""Read a platform context's roster (NRPS) and show it beside Ilm's enrollments of its run."""

from django.core.management.base import BaseCommand, CommandError

from lti.models import ContextLink
from lti.nrps import PlatformAnswer, roster_compare


class Command(BaseCommand):
    help = "Show an LTI context's members (NRPS) beside Ilm's enrollments of its run."

    def add_arguments(self, parser):
        parser.add_argument("context_link_id", type=int)

    def handle(self, *args, context_link_id, **options):
        context = ContextLink.objects.select_related("registration").filter(pk=context_link_id)
        if not context.exists():
            raise CommandError(f"no LTI context {context_link_id}")
        try:
            rows = roster_compare(context.get())
        except PlatformAnswer as error:
            raise CommandError(f"the platform refused: {error.detail}") from None
        for row in rows:
            mark = "enrolled" if row.enrolled else "not enrolled"
            self.stdout.write(f"{row.user_id}\t{row.name}\t{row.status}\t{mark}")
