"""Order emails, sent through Django's mail API (so any anymail ESP works) by orders.tasks.

Each kind of email (the order confirmation, each shipment's shipping confirmation, a return's instructions, a
refund's confirmation) is an ``OrderEmail``: how
to build the message, which row keeps its pending/sent/failed state and which timeline kinds record its
outcome. Register one with ``order_email_register`` and queue it with ``orders.tasks.order_email_enqueue``
inside the transaction that calls for it; retries, idempotency and the timeline come with it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from orders import events
from orders.models import Order, OrderEvent


@dataclass(frozen=True)
class OrderEmail:
    kind: str  # the name tasks carry: "confirmation", "shipping"
    label: str  # how the logs name it: "Confirmation email" (orders.events draws the timeline's sentences)
    build: Callable[[Order, int | None], EmailMessage]  # the order and the row the email is about (a shipment)
    sent_event: str  # OrderEvent.Kind for "sent"
    failed_event: str  # OrderEvent.Kind for a failed try (retried or final)
    # The row whose <prefix>_state, _error and _sent_at follow this email, and that prefix (None: no such row).
    state: Callable[[Order, int | None], tuple[models.QuerySet, str]] | None = None
    about_key: str = "shipment"  # what the row it is about is called in its timeline events' data

    def about(self, about: int | None) -> dict:
        return {} if about is None else {self.about_key: about}


ORDER_EMAILS: dict[str, OrderEmail] = {}


def order_email_register(email: OrderEmail) -> OrderEmail:
    ORDER_EMAILS[email.kind] = email
    return email


def _customer_notes(order: Order) -> list[str]:
    return [event.data["text"] for event in order.events.filter(kind=OrderEvent.Kind.NOTE_ADDED).order_by("pk")
            if event.data.get("visible_to_customer")]


def _message(*, subject: str, template: str, context: dict, to: str, tag: str, order: Order) -> EmailMultiAlternatives:
    context = context | {"order": order, "notes": _customer_notes(order), "currency": settings.CURRENCY}
    message = EmailMultiAlternatives(subject=subject, body=render_to_string(f"{template}.txt", context), to=[to])
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    # Anymail passes these to the ESP; Django's own backends ignore them.
    message.tags = [tag]
    message.metadata = {"order_number": str(order.number)}
    return message


def confirmation_message(order: Order, about: int | None = None) -> EmailMultiAlternatives:
    return _message(subject=f"Order #{order.number} confirmation", template="orders/notifications/email/confirmation",
                    context={"lines": list(order.lines.all())}, to=order.customer_email,
                    tag="order-confirmation", order=order)


def shipping_message(order: Order, about: int | None) -> EmailMultiAlternatives:
    """Shipment ``about`` of ``order``: what left, by which carrier, with tracking links; to the address the
    shipment was queued for (the order's when it shipped or was resent)."""
    shipment = order.shipments.select_related("carrier").get(pk=about)
    context = {"shipment": shipment, "lines": list(shipment.lines.select_related("order_line")),
               "tracking": [(number, shipment.carrier.tracking_link(number)) for number in shipment.tracking_numbers]}
    return _message(subject=f"Order #{order.number} has shipped", template="orders/notifications/email/shipping",
                    context=context, to=shipment.email_to, tag="shipping-confirmation", order=order)


CONFIRMATION = order_email_register(OrderEmail(
    kind="confirmation", label="Confirmation email", build=confirmation_message,
    sent_event=OrderEvent.Kind.CONFIRMATION_SENT, failed_event=OrderEvent.Kind.CONFIRMATION_FAILED,
    state=lambda order, about: (Order.objects.filter(pk=order.pk), "confirmation"),
))
SHIPPING = order_email_register(OrderEmail(
    kind="shipping", label="Shipping confirmation", build=shipping_message,
    sent_event=OrderEvent.Kind.SHIPPING_EMAIL_SENT, failed_event=OrderEvent.Kind.SHIPPING_EMAIL_FAILED,
    state=lambda order, about: (order.shipments.filter(pk=about), "email"),
))


def return_message(order: Order, about: int | None) -> EmailMultiAlternatives:
    """Return ``about`` (its number) of ``order``'s customer: its number to quote, what may come back, how."""
    ret = order.customer.returns.get(pk=about)
    context = {"ret": ret, "lines": list(ret.lines.select_related("order_line").order_by("pk"))}
    return _message(subject=f"Return {ret.label}: how to send your items back",
                    template="orders/notifications/email/return", context=context, to=ret.email_to,
                    tag="return-instructions", order=order)


def refund_message(order: Order, about: int | None) -> EmailMultiAlternatives:
    refund = order.refunds.get(pk=about)
    return _message(subject=f"Refund for order #{order.number}", template="orders/notifications/email/refund",
                    context={"refund": refund}, to=refund.email_to, tag="refund-confirmation", order=order)


RETURN = order_email_register(OrderEmail(
    kind="return", label="Return instructions", build=return_message,
    sent_event=OrderEvent.Kind.RETURN_EMAIL_SENT, failed_event=OrderEvent.Kind.RETURN_EMAIL_FAILED,
    state=lambda order, about: (order.customer.returns.filter(pk=about), "email"), about_key="return",
))
REFUND = order_email_register(OrderEmail(
    kind="refund", label="Refund confirmation", build=refund_message,
    sent_event=OrderEvent.Kind.REFUND_EMAIL_SENT, failed_event=OrderEvent.Kind.REFUND_EMAIL_FAILED,
    state=lambda order, about: (order.refunds.filter(pk=about), "email"), about_key="refund",
))



def available_message(order: Order, about: int | None = None) -> EmailMultiAlternatives:
    """Every line of ``order`` is now in stock: it ships soon."""
    return _message(subject=f"Order #{order.number}: your items are available and will ship soon",
                    template="orders/notifications/email/available", context={"lines": list(order.lines.all())},
                    to=order.customer_email, tag="items-available", order=order)


AVAILABLE = order_email_register(OrderEmail(
    kind="available", label="Items available email", build=available_message,
    sent_event=OrderEvent.Kind.AVAILABLE_EMAIL_SENT, failed_event=OrderEvent.Kind.AVAILABLE_EMAIL_FAILED,
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


def _state_update(order: Order, email: OrderEmail, about: int | None, **changes) -> None:
    """Set ``changes`` (state=, error=, sent_at=) on the row that keeps this email's state, if it has one."""
    if email.state is not None:
        rows, prefix = email.state(order, about)
        rows.update(**{f"{prefix}_{name}": value for name, value in changes.items()})


def order_email_sent(*, order: Order, email: OrderEmail, key: str, attempt: int, to: str,
                     about: int | None = None) -> None:
    with transaction.atomic():
        _state_update(order, email, about, state=Order.EmailState.SENT, error="", sent_at=timezone.now())
        events.email_sent_event(order=order, kind=email.sent_event, to=to, key=key, attempt=attempt,
                                about=email.about(about))


def order_email_retrying(*, order: Order, email: OrderEmail, key: str, attempt: int, error: str, retry_at,
                         about: int | None = None) -> None:
    """A try failed for a temporary reason; call in the transaction that queues the next try."""
    _state_update(order, email, about, error=error)
    events.email_failed_event(order=order, kind=email.failed_event, key=key, attempt=attempt,
                              tries=settings.EMAIL_TRIES, error=error, retry_at=retry_at, about=email.about(about))


def order_email_failed(*, order: Order, email: OrderEmail, key: str, attempt: int, error: str,
                       about: int | None = None) -> None:
    with transaction.atomic():
        _state_update(order, email, about, state=Order.EmailState.FAILED, error=error)
        events.email_failed_event(order=order, kind=email.failed_event, key=key, attempt=attempt,
                                  tries=settings.EMAIL_TRIES, error=error, about=email.about(about))
