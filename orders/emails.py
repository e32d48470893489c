"""The order confirmation email, sent through Django's mail API (so any anymail ESP works)."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Order

logger = logging.getLogger(__name__)


def confirmation_message(order: Order) -> EmailMultiAlternatives:
    context = {"order": order, "lines": list(order.lines.all()), "currency": settings.CURRENCY}
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
        Order.objects.filter(pk=order_number).update(
            confirmation_state=Order.EmailState.FAILED, confirmation_error=detail
        )
        return Order.EmailState.FAILED
    Order.objects.filter(pk=order_number).update(
        confirmation_state=Order.EmailState.SENT, confirmation_sent_at=timezone.now(), confirmation_error=""
    )
    return Order.EmailState.SENT
