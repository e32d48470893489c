"""The task queue: Django's Tasks API (the django-tasks backport) with tasks stored in our own database
(django-tasks-db), so a task is written in the same transaction as the change that needs it.

What the library leaves to us is here: enqueueing inside the caller's transaction whatever the backend,
telling a temporary failure from a permanent one, the retry delay, giving back tasks whose worker died,
and the figures `manage.py queue_status` and /healthz report."""

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from anymail.exceptions import AnymailAPIError
from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)


def enqueue_in_transaction(task, *args, run_after: datetime | None = None, **kwargs) -> None:
    """Enqueue ``task`` so that it exists exactly when the caller's transaction commits.

    The database backend writes the task row in that transaction (rolled back: no task). A backend
    that keeps tasks elsewhere (the immediate one, which runs the task at once) is called at commit.
    """
    backend = task.get_backend()
    if run_after is not None and backend.supports_defer:
        task = task.using(run_after=run_after)
    if isinstance(backend, DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, *args, **kwargs), robust=True)


def is_temporary(error: BaseException) -> bool:
    """Whether trying again later may succeed: connection refused or reset, a timeout, a 4xx SMTP reply,
    or a provider's API that answered 408, 429 or 5xx, or did not answer (anymail says status None)."""
    if isinstance(error, AnymailAPIError):
        return error.status_code is None or error.status_code in (408, 429) or error.status_code >= 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return False
    return isinstance(error, OSError)  # refused, reset, unreachable, timed out, the server hung up


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff after try ``attempt`` (1, 2, ...): EMAIL_RETRY_SECONDS, twice that, ..., at most a day."""
    return timedelta(seconds=min(settings.EMAIL_RETRY_SECONDS * 2 ** (attempt - 1), 86400))


def tasks_requeue_stuck() -> int:
    """Put tasks back in the queue that have been running longer than TASK_STUCK_SECONDS: their worker died.

    The task runs again, so every task must be safe to run twice (the order emails check before sending).
    """
    cutoff = timezone.now() - timedelta(seconds=settings.TASK_STUCK_SECONDS)
    count = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).update(
        status=TaskResultStatus.READY)
    if count:
        logger.warning("Put %d task(s) back in the queue: running for over %ss, their worker is gone",
                       count, settings.TASK_STUCK_SECONDS)
    return count


@dataclass(frozen=True)
class QueueStatus:
    due: int  # waiting to run now
    scheduled: int  # waiting for a later time (retries)
    running: int
    failed: int
    succeeded: int
    oldest_due: datetime | None  # when the longest-waiting due task was enqueued or became due
    stuck_running: int  # running longer than TASK_STUCK_SECONDS
    recent_failures: list[DBTaskResult]

    @property
    def waited_seconds(self) -> float:
        return (timezone.now() - self.oldest_due).total_seconds() if self.oldest_due else 0.0

    @property
    def stuck(self) -> bool:
        """Nothing is taking tasks off the queue: a due task waited, or a task ran, over TASK_STUCK_SECONDS."""
        return self.waited_seconds > settings.TASK_STUCK_SECONDS or self.stuck_running > 0


def queue_status(*, failures: int = 5) -> QueueStatus:
    tasks = DBTaskResult.objects.all()
    due = tasks.ready()
    # A task enqueued to run at once became due when enqueued; a retry, when its run_after came.
    became_due = [due.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"],
                  due.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"]]
    cutoff = timezone.now() - timedelta(seconds=settings.TASK_STUCK_SECONDS)
    return QueueStatus(
        due=due.count(),
        scheduled=tasks.filter(status=TaskResultStatus.READY).count() - due.count(),
        running=tasks.running().count(),
        failed=tasks.failed().count(),
        succeeded=tasks.successful().count(),
        oldest_due=min((at for at in became_due if at is not None), default=None),
        stuck_running=tasks.running().filter(started_at__lt=cutoff).count(),
        recent_failures=list(tasks.failed().order_by("-finished_at")[:failures]),
    )


def queue_stuck() -> bool:
    """What /healthz asks, in two cheap queries: has a due task waited, or a task run, over TASK_STUCK_SECONDS?"""
    cutoff = timezone.now() - timedelta(seconds=settings.TASK_STUCK_SECONDS)
    due = DBTaskResult.objects.ready()
    waited = due.filter(run_after=get_date_max(), enqueued_at__lt=cutoff) | due.filter(run_after__lt=cutoff)
    return waited.exists() or DBTaskResult.objects.running().filter(started_at__lt=cutoff).exists()
