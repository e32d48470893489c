"""`manage.py queue_status`: how many tasks wait, since when, and what failed lately."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from oms.core.queue import queue_status


class Command(BaseCommand):
    help = "Show the task queue: tasks due and scheduled, the oldest waiting, running and stuck ones, failures."

    def add_arguments(self, parser):
        parser.add_argument("--failures", type=int, default=5, help="How many recent failures to list (default 5).")

    def handle(self, *args, failures: int, **options):
        status = queue_status(failures=failures)
        oldest = (f"{timezone.localtime(status.oldest_due):%Y-%m-%d %H:%M:%S} ({status.waited_seconds:.0f} s ago)"
                  if status.oldest_due else "none")
        self.stdout.write(f"Waiting (due now): {status.due}\n"
                          f"Scheduled (retries later): {status.scheduled}\n"
                          f"Oldest waiting task: {oldest}\n"
                          f"Running: {status.running} (stuck: {status.stuck_running})\n"
                          f"Succeeded: {status.succeeded}\n"
                          f"Failed: {status.failed}")
        for task in status.recent_failures:
            last_line = task.traceback.strip().splitlines()[-1] if task.traceback.strip() else task.exception_class_path
            self.stdout.write(f"  {timezone.localtime(task.finished_at):%Y-%m-%d %H:%M:%S} {task.task_name} "
                              f"{task.args_kwargs.get('args', [])}: {last_line[:200]}")
        if status.stuck:
            self.stdout.write(self.style.WARNING("The queue looks stuck: is a worker running (manage.py worker)?"))
