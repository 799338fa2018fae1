from django.apps import AppConfig

from learning.credential_status import certificate_status_register


class CertificatesConfig(AppConfig):
    name = "certificates"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the completion signals)
        from .selectors import enrollment_certificate_statuses

        # Instructors' gradebooks (in teaching, beside this app) read statuses through it.
        certificate_status_register(enrollment_certificate_statuses)
