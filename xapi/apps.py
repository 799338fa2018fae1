from django.apps import AppConfig


class XapiConfig(AppConfig):
    name = "xapi"

    def ready(self):
        from . import receivers  # noqa: F401
