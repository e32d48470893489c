"""Asking for an order's emails: the confirmation (again), and the address they go to."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orders import events
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderEvent


def _send_confirmation_after_commit(order: Order) -> None:
    """Queue the confirmation in the caller's transaction: it exists, and is sent, exactly when that commits."""
    from orders.notifications.tasks import order_email_enqueue

    order_email_enqueue(order=order, kind="confirmation")


def order_confirmation_request(*, order: Order, actor=None) -> Order:
    """Queue the confirmation email again, to the address saved on the order (Resend confirmation).

    Raises OrderRefused when the order has no email address, or when it was resent
    settings.RESEND_LIMIT_PER_HOUR times in the last hour.
    """
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if not current.customer_email:
            raise OrderRefused(["The order has no email address: save one for this order first."])
        hour_ago = timezone.now() - timedelta(hours=1)
        recent = current.events.filter(kind=OrderEvent.Kind.CONFIRMATION_RESENT, created_at__gte=hour_ago).count()
        if recent >= settings.RESEND_LIMIT_PER_HOUR:
            raise OrderRefused([f"The confirmation was already resent {recent} times in the last hour; "
                                "try again later."])
        current.confirmation_state, current.confirmation_error = Order.EmailState.PENDING, ""
        current.save(update_fields=["confirmation_state", "confirmation_error"])
        events.confirmation_resent_event(order=current, actor=actor, to=current.customer_email)
        _send_confirmation_after_commit(current)
    return current


def order_email_change(*, order: Order, email: str, actor=None) -> Order:
    """Change the address the order's emails go to (the customer's record is not touched)."""
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        before = current.customer_email
        if before == email:
            return current
        current.customer_email = email
        current.save(update_fields=["customer_email"])
        events.email_changed_event(order=current, actor=actor, before=before, after=email)
    return current
