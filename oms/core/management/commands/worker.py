"""`manage.py worker`: django-tasks-db's db_worker, which also gives back the tasks of workers that died."""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from oms.core.queue import tasks_requeue_stuck

logger = logging.getLogger(__name__)


def requeue_stuck_forever() -> None:
    """Every quarter of TASK_STUCK_SECONDS, put back the tasks whose worker died (any worker may: it is
    one UPDATE); a task that waited for that is retried within 1.25 x TASK_STUCK_SECONDS."""
    while True:
        time.sleep(settings.TASK_STUCK_SECONDS / 4)
        close_old_connections()
        try:
            tasks_requeue_stuck()
        except Exception:  # the database may be away for a while; the worker's own loop reports that
            logger.exception("Could not put stuck tasks back in the queue")
        finally:
            connection.close()


class Command(DbWorkerCommand):
    help = ("Run a task worker (django-tasks-db's db_worker, same options); it also puts back in the queue the "
            "tasks that have been running over TASK_STUCK_SECONDS, their worker having died.")

    def handle(self, *args, **options):
        threading.Thread(target=requeue_stuck_forever, name="requeue-stuck", daemon=True).start()
        return super().handle(*args, **options)
