"""The emails an order sends, through Django's mail API (so any anymail ESP works): the order confirmation
and each shipment's shipping confirmation. Every kind goes through the same send, and records its outcome
the same way: a state on its row (pending, sent, failed), the timeline, never an exception."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Order, OrderEvent, Shipment
from .services import event_record

logger = logging.getLogger(__name__)


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


def confirmation_message(order: Order) -> EmailMultiAlternatives:
    return _message(subject=f"Order #{order.number} confirmation", template="orders/email/confirmation",
                    context={"lines": list(order.lines.all())}, to=order.customer_email,
                    tag="order-confirmation", order=order)


def shipping_message(shipment: Shipment) -> EmailMultiAlternatives:
    order = shipment.order
    context = {"shipment": shipment, "lines": list(shipment.lines.select_related("order_line")),
               "tracking": [(number, shipment.carrier.tracking_link(number)) for number in shipment.tracking_numbers]}
    return _message(subject=f"Order #{order.number} has shipped", template="orders/email/shipping", context=context,
                    to=shipment.email_to, tag="shipping-confirmation", order=order)


@dataclass(frozen=True)
class EmailKind:
    """One kind of email: the row that tracks it, its fields, its message and its timeline entries."""

    rows: Callable[[], models.QuerySet]
    prefix: str  # <prefix>_state, <prefix>_sent_at, <prefix>_error on the row
    message: Callable
    order_of: Callable
    recipient: Callable
    label: str
    sent: str
    failed: str


KINDS = {
    "confirmation": EmailKind(
        rows=lambda: Order.objects.all(), prefix="confirmation", message=confirmation_message,
        order_of=lambda order: order, recipient=lambda order: order.customer_email, label="Confirmation email",
        sent=OrderEvent.Kind.CONFIRMATION_SENT, failed=OrderEvent.Kind.CONFIRMATION_FAILED),
    "shipping": EmailKind(
        rows=lambda: Shipment.objects.select_related("order", "carrier"), prefix="email", message=shipping_message,
        order_of=lambda shipment: shipment.order, recipient=lambda shipment: shipment.email_to,
        label="Shipping confirmation", sent=OrderEvent.Kind.SHIPPING_EMAIL_SENT,
        failed=OrderEvent.Kind.SHIPPING_EMAIL_FAILED),
}


def email_after_commit(kind: str, pk: int) -> None:
    """Send the email once the transaction that asked for it commits (the one place that queues emails)."""
    transaction.on_commit(partial(email_send, kind, pk), robust=True)


def email_send(kind: str, pk: int) -> Order.EmailState:
    """Send the ``kind`` email of row ``pk`` now and record the outcome; never raises.

    Runs after the order's transaction commits, so a failing or slow provider (bounded by
    EMAIL_TIMEOUT) cannot lose or roll back the order.
    """
    spec = KINDS[kind]
    row = spec.rows().get(pk=pk)
    try:
        spec.message(row).send()
    except Exception as error:  # any backend, any failure: the order stands, staff see why
        logger.exception("%s for %s failed", spec.label, row)
        detail = f"{type(error).__name__}: {error}"[:1000]
        _record_outcome(spec, row, Order.EmailState.FAILED, error=detail)
        return Order.EmailState.FAILED
    _record_outcome(spec, row, Order.EmailState.SENT)
    return Order.EmailState.SENT


def order_confirmation_send(order_number: int) -> Order.EmailState:
    return email_send("confirmation", order_number)


def _record_outcome(spec: EmailKind, row, state: Order.EmailState, *, error: str = "") -> None:
    """The email's outcome on its row and the order's timeline, in one transaction."""
    sent, to, prefix = state == Order.EmailState.SENT, spec.recipient(row), spec.prefix
    changes = {f"{prefix}_state": state, f"{prefix}_error": error} | ({f"{prefix}_sent_at": timezone.now()}
                                                                      if sent else {})
    with transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(**changes)
        order = spec.order_of(row)
        if sent:
            event_record(order=order, kind=spec.sent, data={"to": to}, message=f"{spec.label} sent to {to}.")
        else:
            event_record(order=order, kind=spec.failed, data={"error": error},
                         message=f"{spec.label} failed: {error[:400]}")
