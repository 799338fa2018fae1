from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self):
        # Page permissions and workflows follow universities, sections and programs.
        from . import receivers  # noqa: F401
