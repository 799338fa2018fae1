"""The WSGI entry point (gunicorn lms.wsgi). Without DJANGO_SETTINGS_MODULE it runs the
production settings, which refuse to start half-configured: a server never falls back to
development defaults."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
application = get_wsgi_application()
