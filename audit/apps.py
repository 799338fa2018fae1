from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self):
        # Memberships, publishing and approvals are recorded as they happen.
        from . import receivers  # noqa: F401
