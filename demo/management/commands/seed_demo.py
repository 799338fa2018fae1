"""Load the demo: four universities, a joint program, six courses, accounts and learners.

Idempotent: every step keeps what an earlier run created, so running it twice changes nothing.
"""

import logging
import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from courses import language_versions
from courses.models import InstructorRole
from demo import branding, pages, people, records, translations
from demo.content import COURSES, TRANSLATIONS
from demo.content.institutions import DEMO_PASSWORD, PROGRAM

User = get_user_model()


class Command(BaseCommand):
    help = (
        "Create the demo content and accounts (idempotent). Fixed passwords are set and "
        "printed only when DEBUG is on, or with --force."
    )
    # `make run` has just run migrate, which ran the checks; they cost seconds here.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--learners", type=int, default=200, help="Generated learners (default 200)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Set and print the fixed demo passwords even though DEBUG is off.",
        )

    def handle(self, *args, learners: int, force: bool, **options):
        started = time.monotonic()
        with_passwords = settings.DEBUG or force
        # Fixed seed: the same demo every time, and re-runs find what the first run made.
        rng = random.Random(2026)  # noqa: S311 - demo data, not secrets
        if options["verbosity"] < 2:
            # Each publish logs a line per background task; the seed's own summary is enough.
            for name in ("wagtail", "django_tasks", "modelsearch", "celery.app.trace"):
                logging.getLogger(name).setLevel(logging.WARNING)

        # Content first, committed on its own: wagtail-localize publishes translations when
        # the transaction commits, before any learner exists to refresh.
        with transaction.atomic():
            people.universities_ensure()
            accounts = people.accounts_ensure(password=DEMO_PASSWORD if with_passwords else None)
            admin = User.objects.get(email=accounts[0].email)
            # Before any learner completes: their certificates carry the logos and signatories.
            branding.certificate_branding_ensure(actor=admin)
            courses = {}
            for data in COURSES:
                course, created = pages.course_build(data, instructors=_instructors(data))
                courses[data["slug"]] = course
                pages.course_run_ensure(course, capacity=data.get("capacity"))
                if created:
                    self.stdout.write(f"  course: {course.title} ({data['language']})")
            pages.next_run_ensure(courses[COURSES[0]["slug"]])
            for translation in TRANSLATIONS:
                source = courses[translation["source"]["slug"]]
                pages.course_translate(source, translation, user=admin)
            program = pages.program_build(PROGRAM)
            made = translations.titles_ensure(user=admin)
            translations.outdated_ensure(user=admin)
        if made:
            self.stdout.write(f"  {made} program and course pages translated (title and summary)")
        # Then every page in every language: an alias wherever no translation exists (ADR 0030).
        aliases = language_versions.versions_fill_all()
        self.stdout.write(
            f"  content ready after {time.monotonic() - started:.1f}s "
            f"({aliases} language versions added)"
        )

        with transaction.atomic():
            ordered = [courses[slug] for slug, _required in PROGRAM["courses"]]
            new_learners = people.learners_ensure(learners, rng=rng)
            people.progress_seed(new_learners, program=program, courses=ordered, rng=rng)
            learner_account = next(a for a in accounts if a.roles[:1] == [("learner", "demo-dtu")])
            people.demo_learner_progress(learner_account.email, program=program, rng=rng)
            graduate = next(a for a in accounts if a.email == "graduate@demo.ilm.test")
            people.demo_graduate_progress(graduate.email, program=program, rng=rng)

        # Certificates were issued after the learners' transaction committed; now show a
        # revoked one, and give the demo registrar an API token.
        with transaction.atomic():
            revoked = records.revoked_credential_ensure(
                actor=admin, keep_emails=(learner_account.email, graduate.email)
            )
            registrar = User.objects.get(email="registrar.dtu@demo.ilm.test")
            token = (
                records.registrar_token_ensure(registrar=registrar, university_code="demo-dtu")
                if with_passwords
                else None
            )
        if revoked is not None:
            self.stdout.write(f"  revoked certificate for the demo: /verify/{revoked.pk}/")

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready in {time.monotonic() - started:.1f}s: {len(courses)} courses, "
                f"{len(new_learners)} new learners."
            )
        )
        self._print_accounts(accounts, with_passwords)
        if token:
            self.stdout.write(
                "Reports API token of registrar.dtu (shown once): "
                f"curl -H 'Authorization: Bearer {token}' {settings.SITE_URL}/api/v1/enrollments"
            )

    def _print_accounts(self, accounts, with_passwords: bool) -> None:
        if not with_passwords:
            self.stdout.write(
                self.style.WARNING(
                    "DEBUG is off: demo accounts have no password and none is printed. "
                    "Set one with `manage.py changepassword EMAIL`, or rerun with --force."
                )
            )
            return
        self.stdout.write("\nDemo accounts (development only), password for all: " + DEMO_PASSWORD)
        for account in accounts:
            roles = ", ".join(f"{role} @ {code}" for role, code in account.roles)
            what = "platform admin (superuser)" if account.is_superuser else roles
            note = "" if account.password_set else "  (no password set)"
            self.stdout.write(f"  {account.email:<32} {what}{note}")
        self.stdout.write("Wagtail admin: /admin/ · learner dashboard: /en/learn/\n")


def _instructors(data: dict) -> list[tuple]:
    """The owning university's instructor leads; co-teaching universities' instructors assist."""
    found = []
    for code, role in [(data["university"], InstructorRole.LEAD)] + [
        (code, InstructorRole.CO_INSTRUCTOR) for code in data["co_teaching"]
    ]:
        user = User.objects.filter(
            memberships__role="instructor", memberships__university__code=code
        ).first()
        if user and user not in [u for u, _r in found]:
            found.append((user, role))
    return found
