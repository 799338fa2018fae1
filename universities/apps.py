from django.apps import AppConfig


class UniversitiesConfig(AppConfig):
    name = "universities"

    def ready(self):
        # Groups, permissions, workflows and audit events follow memberships and pages.
        from . import receivers  # noqa: F401
