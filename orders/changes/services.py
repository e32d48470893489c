"""A placed order's status changes and its cancellation, whole or of what has not shipped (stock given back, the
day's sales corrected)."""

import copy
from dataclasses import dataclass

from django.db import transaction

from catalog.models import StockMovement
from catalog.services import Move, stock_give_back
from oms.core.validators import CARD_MESSAGE, contains_card_number
from orders import events, lifecycle
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.payments.terms import payment_status_of, why_not_retotal
from orders.pricing.totals import Discount, TaxRule, kept_line, order_totals, price_line
from orders.reporting.sales import sales_add, sales_adjust


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
        if lifecycle.is_cancelled(current):
            return CancelledOrder(current, {}, changed=False)
        if not lifecycle.can_cancel(current):
            raise OrderRefused([lifecycle.why_not_cancel(current)])
        lines = list(current.lines.all())
        # what was allocated goes back to stock; what waited on backorder was never taken and waits no more
        restocked = stock_give_back([Move(line.product_id, line.quantity_allocated, current.pk) for line in lines
                                     if line.product_id], kind=StockMovement.Kind.CANCEL, actor=actor,
                                    reason=f"Order #{current.number} cancelled")  # why is on its timeline
        OrderLine.objects.filter(order=current, quantity_backordered__gt=0).update(quantity_backordered=0)
        current.status, current.backordered = lifecycle.after_cancel(), False
        current.save(update_fields=["status", "backordered"])
        sales_add(order=current, lines=lines, sign=-1)
        events.order_cancelled_event(order=current, actor=actor, reason=reason, restocked=restocked)
    return CancelledOrder(current, restocked, changed=True)


def order_cancel_remaining(*, order: Order, reason: str, actor=None) -> CancelledOrder:
    """Cancel what has not shipped of a partially shipped order: unshipped quantities go back to stock, lines with
    nothing shipped are removed, the order is priced again (the one totals function, its own tax and discount) and
    is shipped. If more was paid than the new total, the difference is owed to the customer (a negative balance).

    Raises OrderRefused for an order that is not partially shipped, a missing reason, or a new total below what
    credit memos have credited already.
    """
    if not reason.strip():
        raise OrderRefused(["Say why the remaining items are cancelled."])
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if not lifecycle.can_cancel_remaining(current):
            raise OrderRefused([lifecycle.why_not_cancel_remaining(current)])
        lines = list(current.lines.select_for_update().order_by("pk"))
        before = (current.total, [copy.copy(line) for line in lines])
        cancelled = {line.sku or line.name: line.quantity_unshipped for line in lines if line.quantity_unshipped}
        restocked = stock_give_back([Move(line.product_id, line.quantity_shippable, current.pk) for line in lines
                                     if line.product_id and line.quantity_shippable],
                                    kind=StockMovement.Kind.CANCEL, actor=actor,
                                    reason=f"Order #{current.number}: remaining items cancelled")
        kept = _keep_shipped(lines)
        discount = (Discount.parse(current.discount_entered, current.discount_reason) if current.discount_entered
                    else None)
        rule = TaxRule(rate=current.tax_rate, jurisdiction=current.tax_jurisdiction,
                       tax_shipping=current.tax_shipping, exempt=current.tax_exempt,
                       exemption_number=current.tax_exemption_number)
        totals = order_totals(lines=kept, shipping=current.shipping, tax=rule, discount=discount)
        if problem := why_not_retotal(current, totals.total):
            raise OrderRefused([problem])
        total_before, status_before = current.total, current.status
        current.subtotal, current.discount, current.tax, current.total = (totals.subtotal, totals.discount,
                                                                          totals.tax, totals.total)
        current.status = lifecycle.after_shipment(everything_shipped=True)
        current.payment_status = payment_status_of(current)
        current.version += 1
        current.backordered = False
        current.save(update_fields=["subtotal", "discount", "tax", "total", "status", "payment_status", "version",
                                    "backordered"])
        sales_adjust(order=current, before=before, lines=kept)
        events.remaining_cancelled_event(order=current, actor=actor, reason=reason.strip(), cancelled=cancelled,
                                         restocked=restocked, total_before=total_before)
        events.status_changed_event(order=current, actor=actor, before=status_before, after=current.status)
    return CancelledOrder(current, restocked, changed=True)


def _keep_shipped(lines: list[OrderLine]) -> list[OrderLine]:
    """Each line cut to what shipped (repriced at the price it was sold at), lines with nothing shipped removed."""
    kept, gone = [], []
    for line in lines:
        if not line.quantity_shipped:
            gone.append(line.pk)
            continue
        if line.quantity_unshipped:
            priced = price_line(kept_line(list_price=line.list_price_shown, unit_price=line.unit_price,
                                          quantity=line.quantity_shipped))
            line.quantity, line.line_total, line.discount = priced.quantity, priced.line_total, priced.discount
            line.quantity_backordered = 0
        kept.append(line)
    OrderLine.objects.filter(pk__in=gone).delete()
    OrderLine.objects.bulk_update(kept, ["quantity", "line_total", "discount", "quantity_backordered"])
    return kept


def order_hold(*, order: Order, reason: str, actor=None) -> Order:
    """Put ``order`` on hold with ``reason``: nothing ships and its invoice says "On hold" until it is released.

    Raises OrderRefused for a missing reason (or one holding a card number), an order already on hold or one that
    is no longer under way."""
    reason = _reason(reason, "Say why the order is on hold.")
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if not lifecycle.can_hold(current):
            raise OrderRefused([lifecycle.why_not_hold(current)])
        current.on_hold, current.hold_reason = True, reason
        current.save(update_fields=["on_hold", "hold_reason"])
        events.hold_event(order=current, actor=actor, reason=reason)
    return current


def order_hold_release(*, order: Order, note: str = "", actor=None) -> Order:
    """Release ``order``'s hold (``note``: why, optional). Raises OrderRefused for an order that is not on hold."""
    note = _reason(note, "") if note.strip() else ""
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if not lifecycle.can_release(current):
            raise OrderRefused([lifecycle.why_not_release(current)])
        reason, current.on_hold, current.hold_reason = current.hold_reason, False, ""
        current.save(update_fields=["on_hold", "hold_reason"])
        events.hold_released_event(order=current, actor=actor, reason=reason, note=note)
    return current


def _reason(text: str, missing: str) -> str:
    text = text.strip()
    if not text:
        raise OrderRefused([missing])
    if contains_card_number(text):
        raise OrderRefused([CARD_MESSAGE])
    if len(text) > REASON_LENGTH:
        raise OrderRefused([f"Say why in at most {REASON_LENGTH} characters."])
    return text


REASON_LENGTH = Order._meta.get_field("hold_reason").max_length
