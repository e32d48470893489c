"""Order emails, sent through Django's mail API (so any anymail ESP works) by orders.tasks.

Each kind of email (the confirmation here; the updated and the shipping confirmation follow) is an
``OrderEmail``: how to build the message and which timeline kinds record its outcome. Register one with
``order_email_register`` and queue it with ``orders.tasks.order_email_enqueue`` inside the transaction
that calls for it; retries, idempotency and the timeline come with it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Order, OrderEvent
from .services import event_record


@dataclass(frozen=True)
class OrderEmail:
    kind: str  # the name tasks carry: "confirmation"
    label: str  # how the timeline names it: "Confirmation email"
    build: Callable[[Order], EmailMessage]
    sent_event: str  # OrderEvent.Kind for "sent"
    failed_event: str  # OrderEvent.Kind for a failed try (retried or final)
    tracks_state: bool = False  # the order's confirmation_state, _error and _sent_at follow this email


ORDER_EMAILS: dict[str, OrderEmail] = {}


def order_email_register(email: OrderEmail) -> OrderEmail:
    ORDER_EMAILS[email.kind] = email
    return email


def confirmation_message(order: Order) -> EmailMultiAlternatives:
    notes = [event.data["text"] for event in order.events.filter(kind=OrderEvent.Kind.NOTE_ADDED).order_by("pk")
             if event.data.get("visible_to_customer")]
    context = {"order": order, "lines": list(order.lines.all()), "notes": notes, "currency": settings.CURRENCY}
    message = EmailMultiAlternatives(
        subject=f"Order #{order.number} confirmation",
        body=render_to_string("orders/email/confirmation.txt", context),
        to=[order.customer_email],
    )
    message.attach_alternative(render_to_string("orders/email/confirmation.html", context), "text/html")
    # Anymail passes these to the ESP; Django's own backends ignore them.
    message.tags = ["order-confirmation"]
    message.metadata = {"order_number": str(order.number)}
    return message


CONFIRMATION = order_email_register(OrderEmail(
    kind="confirmation", label="Confirmation email", build=confirmation_message,
    sent_event=OrderEvent.Kind.CONFIRMATION_SENT, failed_event=OrderEvent.Kind.CONFIRMATION_FAILED,
    tracks_state=True,
))


# Providers that refuse a second message with the same key, and the header anymail passes the key in.
# Brevo keeps its idempotencyKey 15 minutes; Resend (its SMTP relay, too) 24 hours.
IDEMPOTENCY_HEADERS = {"brevo": "idempotencyKey", "resend": "Resend-Idempotency-Key"}
KEY_HEADER = "X-Order-Email-Key"  # on every message: which request it answers (the cluster's SMTP sink counts it)


def stamp(message: EmailMessage, key: str) -> EmailMessage:
    """Mark ``message`` with its email's key, where the provider honours one as an idempotency key."""
    message.extra_headers[KEY_HEADER] = key
    if header := IDEMPOTENCY_HEADERS.get(settings.ANYMAIL_ESP):
        message.extra_headers[header] = key
    return message


def order_email_handled(*, order: Order, email: OrderEmail, key: str, attempt: int) -> bool:
    """Whether this try of this email already ran to the end (a task run twice: its worker died before
    the queue heard of it): it was sent, or this try's failure is recorded (and the next try queued)."""
    outcomes = order.events.filter(kind__in=[email.sent_event, email.failed_event], data__key=key)
    return outcomes.filter(Q(kind=email.sent_event) | Q(data__attempt=attempt)).exists()


def order_email_sent(*, order: Order, email: OrderEmail, key: str, attempt: int) -> None:
    with transaction.atomic():
        if email.tracks_state:
            Order.objects.filter(pk=order.pk).update(confirmation_state=Order.EmailState.SENT, confirmation_error="",
                                                     confirmation_sent_at=timezone.now())
        event_record(order=order, kind=email.sent_event, data={"to": order.customer_email, "key": key,
                                                               "attempt": attempt},
                     message=f"{email.label} sent to {order.customer_email}.")


def order_email_retrying(*, order: Order, email: OrderEmail, key: str, attempt: int, error: str, retry_at) -> None:
    """A try failed for a temporary reason; call in the transaction that queues the next try."""
    if email.tracks_state:
        Order.objects.filter(pk=order.pk).update(confirmation_error=error)
    at = timezone.localtime(retry_at).strftime("%H:%M:%S")
    event_record(order=order, kind=email.failed_event,
                 data={"key": key, "attempt": attempt, "error": error, "retry_at": retry_at.isoformat()},
                 message=f"{email.label}: try {attempt} of {settings.EMAIL_TRIES} failed, "
                         f"trying again at {at}: {error[:300]}")


def order_email_failed(*, order: Order, email: OrderEmail, key: str, attempt: int, error: str) -> None:
    with transaction.atomic():
        if email.tracks_state:
            Order.objects.filter(pk=order.pk).update(confirmation_state=Order.EmailState.FAILED,
                                                     confirmation_error=error)
        tries = f" after {attempt} tries" if attempt > 1 else ""
        event_record(order=order, kind=email.failed_event, data={"key": key, "attempt": attempt, "error": error},
                     message=f"{email.label} failed{tries}: {error[:400]}")
