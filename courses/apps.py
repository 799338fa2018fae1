from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self):
        # Page permissions and workflows follow universities, sections and programs.
        from . import pagecache, receivers  # noqa: F401

        # Every kept anonymous page is dropped the moment what it shows changes (ADR 0056).
        pagecache.receivers_connect()
