"""Background work of the orders app: sending order emails from the task queue (oms/core/queue.py)."""

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from oms.core.queue import enqueue_in_transaction, is_temporary, retry_delay
from oms.core.requestid import current_request_id, request_id_bound
from orders.models import Order
from orders.notifications import emails
from orders.notifications.emails import ORDER_EMAILS, OrderEmail

logger = logging.getLogger(__name__)


class EmailNotSent(Exception):
    """The email failed for good; the order's timeline says why (the queue marks the task failed)."""


def order_email_enqueue(*, order: Order, kind: str, about: int | None = None, key: str = "") -> str:
    """Queue the ``kind`` email ("confirmation", "shipping", ...) of ``order`` (about the row ``about``: a
    shipment's id); call inside the transaction that asks for it, so it is sent exactly when that commits.
    Returns the email's key (one per request: a resend is a new email)."""
    key = key or uuid.uuid4().hex
    enqueue_in_transaction(order_email_send, order.number, kind, key, request_id=current_request_id(), about=about)
    return key


def order_emails_enqueue(*, orders: list[Order], kind: str) -> None:
    """Queue the ``kind`` email of each of ``orders`` as one task (a receipt of stock can make hundreds of orders
    whole at once), in the caller's transaction; run, it queues each order's own email, with its retries."""
    if orders:
        enqueue_in_transaction(order_emails_fan_out, [order.number for order in orders], kind, uuid.uuid4().hex,
                               request_id=current_request_id())


@task()
def order_emails_fan_out(order_numbers: list[int], kind: str, key: str, request_id: str = "") -> int:
    """Queue each order's ``kind`` email. Each one's key is this task's and the order's: run twice (its worker
    died), the second run's emails are recognized as already sent (order_email_handled) and not sent again."""
    with request_id_bound(request_id), transaction.atomic():
        orders = list(Order.objects.filter(pk__in=order_numbers))
        for order in orders:
            order_email_enqueue(order=order, kind=kind, key=f"{key}-{order.number}")
    return len(orders)


@task()
def order_email_send(order_number: int, kind: str, key: str, attempt: int = 1, request_id: str = "",
                     about: int | None = None) -> str:
    """Send one try of an order email and record the outcome on the order's timeline.

    A temporary failure queues the next try after an exponential backoff, up to EMAIL_TRIES; a permanent
    one, or the last try, marks the email failed and raises EmailNotSent. Run twice, a try that already
    ran to the end sends nothing.
    """
    email = ORDER_EMAILS[kind]
    with request_id_bound(request_id):
        order = Order.objects.get(pk=order_number)
        if emails.order_email_handled(order=order, email=email, key=key, attempt=attempt):
            logger.warning("%s %s for order #%s, try %s, already handled: not sent again",
                           email.label, key, order_number, attempt)
            return "already handled"
        try:
            message = email.build(order, about)
            emails.stamp(message, key).send()
        except Exception as error:  # any backend, any failure: recorded on the order, retried if temporary
            return _after_failure(order, email, key, attempt, error, about)
        emails.order_email_sent(order=order, email=email, key=key, attempt=attempt, to=", ".join(message.to),
                                about=about)
        logger.info("%s for order #%s sent (try %s)", email.label, order_number, attempt)
        return "sent"


def _after_failure(order: Order, email: OrderEmail, key: str, attempt: int, error: Exception,
                   about: int | None) -> str:
    detail = f"{type(error).__name__}: {error}"[:1000]
    if is_temporary(error) and attempt < settings.EMAIL_TRIES:
        logger.warning("%s for order #%s, try %s failed, will retry: %s", email.label, order.number, attempt, detail)
        retry_at = timezone.now() + retry_delay(attempt)
        with transaction.atomic():
            emails.order_email_retrying(order=order, email=email, key=key, attempt=attempt, error=detail,
                                        retry_at=retry_at, about=about)
            enqueue_in_transaction(order_email_send, order.number, email.kind, key, attempt=attempt + 1,
                                   request_id=current_request_id(), run_after=retry_at, about=about)
        return "retrying"
    logger.error("%s for order #%s failed for good (try %s): %s", email.label, order.number, attempt, detail)
    emails.order_email_failed(order=order, email=email, key=key, attempt=attempt, error=detail, about=about)
    raise EmailNotSent(detail) from error
