from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = _("LTI 1.3 tool")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from teaching.access import TEACHING_GRANTS

        from . import receivers  # noqa: F401
        from .selectors import runs_taught_through_lti

        if runs_taught_through_lti not in TEACHING_GRANTS:
            TEACHING_GRANTS.append(runs_taught_through_lti)
