"""The peer's WSGI application, served by gunicorn in `bench/run.py`."""

import os

from django.core.wsgi import get_wsgi_application

# Forced: the runner's environment names the platform's settings for its own processes.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.peer_wagtail_lms.settings"
application = get_wsgi_application()
