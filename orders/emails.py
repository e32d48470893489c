"""The order confirmation email, sent through Django's mail API (so any anymail ESP works)."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Order, OrderEvent
from .services import event_record

logger = logging.getLogger(__name__)


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


def order_confirmation_send(order_number: int) -> Order.EmailState:
    """Send the confirmation now and record the outcome on the order; never raises.

    Runs after the order's transaction commits, so a failing or slow provider (bounded by
    EMAIL_TIMEOUT) cannot lose or roll back the order.
    """
    order = Order.objects.get(pk=order_number)
    try:
        confirmation_message(order).send()
    except Exception as error:  # any backend, any failure: the order stands, staff see why
        logger.exception("Confirmation email for order #%s failed", order_number)
        detail = f"{type(error).__name__}: {error}"[:1000]
        _record_outcome(order, Order.EmailState.FAILED, error=detail)
        return Order.EmailState.FAILED
    _record_outcome(order, Order.EmailState.SENT)
    return Order.EmailState.SENT


def _record_outcome(order: Order, state: Order.EmailState, *, error: str = "") -> None:
    """The email's outcome on the order and its timeline, in one transaction."""
    sent = state == Order.EmailState.SENT
    changes = {"confirmation_state": state, "confirmation_error": error}
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(**changes | ({"confirmation_sent_at": timezone.now()} if sent else {}))
        if sent:
            event_record(order=order, kind=OrderEvent.Kind.CONFIRMATION_SENT, data={"to": order.customer_email},
                         message=f"Confirmation email sent to {order.customer_email}.")
        else:
            event_record(order=order, kind=OrderEvent.Kind.CONFIRMATION_FAILED, data={"error": error},
                         message=f"Confirmation email failed: {error[:400]}")
