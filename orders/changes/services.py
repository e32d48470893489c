"""A placed order's status changes and its cancellation (stock given back, the day's sales corrected)."""

from dataclasses import dataclass

from django.db import transaction

from catalog.models import Product
from catalog.services import stock_save
from orders import events, lifecycle
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.reporting.sales import sales_add


def order_status_change(*, order: Order, status: str, actor=None) -> Order:
    """Move an order to ``status``. Raises OrderRefused for a transition that is not allowed."""
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if not lifecycle.can_change_status(current, status):
            raise OrderRefused([lifecycle.why_not_change_status(current, status)])
        before, current.status = current.status, status
        current.save(update_fields=["status"])
        events.status_changed_event(order=current, actor=actor, before=before, after=status)
    return current


@dataclass(frozen=True)
class CancelledOrder:
    order: Order
    restocked: dict[str, int]  # SKU -> quantity given back to stock
    changed: bool  # False when the order was already cancelled


def order_cancel(*, order: Order, reason: str, actor=None) -> CancelledOrder:
    """Cancel an order that has not shipped and give its tracked products' stock back.

    Cancelling a cancelled order changes nothing. Raises OrderRefused for a shipped or completed order.
    """
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.status == Order.Status.CANCELLED:
            return CancelledOrder(current, {}, changed=False)
        if not lifecycle.can_cancel(current):
            raise OrderRefused([lifecycle.why_not_cancel(current)])
        restocked = _restock({line.product_id: line.quantity for line in current.lines.all() if line.product_id})
        current.status = Order.Status.CANCELLED
        current.save(update_fields=["status"])
        sales_add(order=current, lines=current.lines.all(), sign=-1)
        events.order_cancelled_event(order=current, actor=actor, reason=reason, restocked=restocked)
    return CancelledOrder(current, restocked, changed=True)


def _restock(quantities: dict[int, int]) -> dict[str, int]:
    """Give ``quantities`` back to tracked products, locked in primary-key order; SKU -> quantity."""
    products = list(Product.objects.select_for_update().filter(pk__in=quantities, track_inventory=True)
                    .order_by("pk"))
    for product in products:
        product.stock += quantities[product.pk]
    stock_save(products)
    return {product.sku: quantities[product.pk] for product in products}
