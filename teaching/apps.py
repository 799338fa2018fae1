from django.apps import AppConfig

from learning.notices import run_notices_register


class TeachingConfig(AppConfig):
    name = "teaching"

    def ready(self):
        # Selectors import models, which exist only once apps are ready. The learner's
        # dashboard (in learning, a layer below) lists announcements through this provider.
        from .selectors import run_announcements

        run_notices_register(run_announcements)
