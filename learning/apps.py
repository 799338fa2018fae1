from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"

    def ready(self):
        from . import receivers  # noqa: F401
        from .records_version import receivers_connect

        receivers_connect()
