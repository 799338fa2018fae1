"""Local development: debug on, console email, eager Celery unless a broker is set."""

from .base import *  # noqa: F403

DEBUG = True
DEMO_MODE = True
ALLOWED_HOSTS = ["*"]
