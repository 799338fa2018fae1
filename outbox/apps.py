from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"

    def ready(self):
        from . import receivers  # noqa: F401
