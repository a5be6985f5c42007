"""The Celery app. Broker and schedule come from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcu_console.settings")

app = Celery("mcu_console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
