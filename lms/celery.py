"""The Celery app. Without CELERY_BROKER_URL, tasks run eagerly in the calling process.

`celery -A lms worker` and `beat` run the production settings unless DJANGO_SETTINGS_MODULE
says otherwise, so a worker never falls back to development defaults; inside Django (manage.py,
pytest) the settings module is already chosen and this default does not apply.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
