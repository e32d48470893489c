"""Writing deliveries: an event for each endpoint that wants it (in the caller's transaction), a place among an
endpoint's concurrent deliveries, each try's outcome with its retry, giving up, disabling an endpoint, Resend."""

import logging
import secrets
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import mail_admins
from django.db import transaction
from django.utils import timezone

from oms.core.queue import enqueue_in_transaction
from oms.core.requestid import current_request_id

from .models import Delivery, Endpoint
from .sending import Outcome

logger = logging.getLogger(__name__)

# How long a delivery is retried, and how long an endpoint may fail before it is disabled.
RETRY_WINDOW = timedelta(hours=24)
# A delivery that finds its endpoint's concurrent deliveries all taken waits this long (plus jitter), then asks again.
BUSY_WAIT_SECONDS = 5.0
_random = secrets.SystemRandom()


def webhook_emit(*, event_type: str, event_id: str, data: dict, timestamp: datetime | None = None) -> int:
    """Queue ``event_type`` (``data``, JSON-safe) for every active endpoint subscribed to it; call inside the
    transaction of the change, so the deliveries exist exactly when it commits. ``event_id`` stays the same for
    the same event (receivers drop duplicates by it). One query when no endpoint wants it. Returns how many."""
    endpoints = [endpoint for endpoint in Endpoint.objects.filter(is_active=True) if endpoint.wants(event_type)]
    if not endpoints:
        return 0
    from .tasks import webhook_deliver  # the task module imports this one

    now = timezone.now()
    payload = {"type": event_type, "timestamp": (timestamp or now).isoformat(), "data": data}
    with transaction.atomic():
        for endpoint in endpoints:
            delivery = Delivery.objects.create(endpoint=endpoint, event_id=event_id, event_type=event_type,
                                               payload=payload, retry_until=now + RETRY_WINDOW)
            enqueue_in_transaction(webhook_deliver, delivery.pk, 1, request_id=current_request_id())
    return len(endpoints)


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff after try ``attempt`` (1, 2, ...): WEBHOOK_RETRY_SECONDS, twice that, ... (at most a
    day), plus up to half of it again at random, so that the retries of a burst do not arrive together."""
    delay = min(settings.WEBHOOK_RETRY_SECONDS * 2 ** (attempt - 1), RETRY_WINDOW.total_seconds())
    return timedelta(seconds=delay + _random.uniform(0, delay / 2))


def delivery_claim(*, delivery_id: int, attempt: int) -> Delivery | str:
    """Take a place among the endpoint's WEBHOOK_CONCURRENCY deliveries in flight (under the endpoint's row lock)
    for try ``attempt`` of the delivery, and return the delivery to send; or say why not: "already handled" (it
    succeeded, gave up, or this try already ran), "busy" (no place: the try is queued again a few seconds later),
    "endpoint disabled", "gone" (deleted, e.g. with an erased customer's data)."""
    from .tasks import webhook_deliver

    with transaction.atomic():
        delivery = Delivery.objects.filter(pk=delivery_id).first()
        if delivery is None:
            return "gone"
        endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        now = timezone.now()
        if not _due(delivery, attempt, now):
            return "already handled"
        if not endpoint.is_active:
            _finish(delivery, Delivery.Status.GAVE_UP, error="Endpoint disabled")
            return "endpoint disabled"
        in_flight = (Delivery.objects.filter(endpoint=endpoint, status=Delivery.Status.SENDING,
                                             sending_since__gte=_lost_before(now)).exclude(pk=delivery.pk).count())
        if in_flight >= settings.WEBHOOK_CONCURRENCY:
            retry_at = now + timedelta(seconds=BUSY_WAIT_SECONDS * _random.uniform(1, 2))
            enqueue_in_transaction(webhook_deliver, delivery.pk, attempt, request_id=current_request_id(),
                                   run_after=retry_at)
            return "busy"
        delivery.status, delivery.attempts, delivery.sending_since = Delivery.Status.SENDING, attempt, now
        delivery.save(update_fields=["status", "attempts", "sending_since"])
        delivery.endpoint = endpoint
        return delivery


def _due(delivery: Delivery, attempt: int, now: datetime) -> bool:
    """Whether try ``attempt`` is the one to make now: the next one, or this one again after its worker died."""
    if delivery.status in (Delivery.Status.PENDING, Delivery.Status.FAILED):
        return delivery.attempts == attempt - 1
    if delivery.status == Delivery.Status.SENDING:
        return (delivery.attempts == attempt and delivery.sending_since is not None
                and delivery.sending_since < _lost_before(now))
    return False


def _lost_before(now: datetime) -> datetime:
    """A try in flight since before this lost its worker (the queue gives its task back after as long)."""
    return now - timedelta(seconds=settings.TASK_STUCK_SECONDS)


def delivery_record(*, delivery: Delivery, outcome: Outcome) -> str:
    """Record how try ``delivery.attempts`` went: succeeded; or failed, with the next try queued after
    ``retry_delay``, or given up once that would fall past ``retry_until``. An endpoint failing for a day is
    disabled and the admins are told. Returns "succeeded", "retrying" or "gave up"."""
    from .tasks import webhook_deliver

    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        delivery.last_status_code, delivery.last_duration_ms = outcome.status_code, outcome.duration_ms
        now = timezone.now()
        if outcome.succeeded:
            _finish(delivery, Delivery.Status.SUCCEEDED, delivered_at=now)
            Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
            return "succeeded"
        _endpoint_failed(endpoint, now)
        retry_at = now + retry_delay(delivery.attempts)
        if retry_at > delivery.retry_until or not endpoint.is_active:
            _finish(delivery, Delivery.Status.GAVE_UP, error=outcome.error)
            return "gave up"
        _finish(delivery, Delivery.Status.FAILED, error=outcome.error, next_attempt_at=retry_at)
        enqueue_in_transaction(webhook_deliver, delivery.pk, delivery.attempts + 1, request_id=current_request_id(),
                               run_after=retry_at)
        return "retrying"


def _finish(delivery: Delivery, status: str, *, error: str = "", delivered_at=None, next_attempt_at=None) -> None:
    delivery.status, delivery.last_error, delivery.sending_since = status, error[:300], None
    delivery.delivered_at, delivery.next_attempt_at = delivered_at or delivery.delivered_at, next_attempt_at
    delivery.save(update_fields=["status", "last_error", "sending_since", "delivered_at", "next_attempt_at",
                                 "last_status_code", "last_duration_ms"])


def _endpoint_failed(endpoint: Endpoint, now: datetime) -> None:
    """Note that ``endpoint`` fails; after RETRY_WINDOW of nothing but failures, disable it and tell the admins."""
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(update_fields=["failing_since"])
    elif endpoint.is_active and now - endpoint.failing_since >= RETRY_WINDOW:
        endpoint.is_active, endpoint.disabled_at = False, now
        endpoint.save(update_fields=["is_active", "disabled_at"])
        logger.error("Webhook endpoint %s disabled: its deliveries have failed since %s", endpoint.pk,
                     endpoint.failing_since.isoformat())
        transaction.on_commit(partial(
            mail_admins, f"Webhook endpoint disabled: {endpoint}",
            f"Every delivery to {endpoint.url} has failed since {endpoint.failing_since:%Y-%m-%d %H:%M %Z}, so it "
            "was disabled. Fix the receiver, tick Active on the endpoint in the admin, and Resend what it missed."),
            robust=True)


def delivery_resend(*, delivery: Delivery) -> bool:
    """Queue a new try of ``delivery`` (whatever became of it, unless a try is in flight: False), retried as a new
    event would be for a day. Its tries so far stay counted; a retry already queued for it is superseded by this
    one and sends nothing."""
    from .tasks import webhook_deliver

    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status == Delivery.Status.SENDING:
            return False
        now = timezone.now()
        delivery.status, delivery.sending_since = Delivery.Status.PENDING, None
        delivery.next_attempt_at, delivery.retry_until = now, now + RETRY_WINDOW
        delivery.save(update_fields=["status", "next_attempt_at", "retry_until", "sending_since"])
        enqueue_in_transaction(webhook_deliver, delivery.pk, delivery.attempts + 1, request_id=current_request_id())
    return True
