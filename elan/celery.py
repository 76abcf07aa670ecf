"""The Celery application.

With ELAN_BROKER_URL set, tasks go to the broker (Redis) and a worker runs
them: `celery -A elan worker`. Without it, CELERY_TASK_ALWAYS_EAGER makes every
`.delay()` run in process, so the embedded set-up needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elan.settings")

app = Celery("elan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
