from django.apps import AppConfig


class H5PConfig(AppConfig):
    name = "h5p"

    def ready(self):
        # Lessons offer the H5P activity block; `courses` sits below `h5p` and cannot import it.
        from courses.blocks import lesson_block_register

        from .blocks import H5PActivityBlock

        lesson_block_register("h5p", H5PActivityBlock())
