"""The ASGI entry point. Without DJANGO_SETTINGS_MODULE it runs the production settings, which
refuse to start half-configured: a server never falls back to development defaults."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
application = get_asgi_application()
