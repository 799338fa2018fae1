"""Settings for the LRS benchmark server: the project's settings plus a baseline view."""

from lms.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.lrs.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
