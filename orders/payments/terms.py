"""Payment terms and payment status: when an order's balance falls due and what its payments make it."""

from datetime import date, timedelta
from decimal import Decimal

from oms.core.money import format_money
from orders import lifecycle
from orders.models import Order

OPEN_BALANCE = (Order.PaymentStatus.UNPAID, Order.PaymentStatus.PARTIALLY_PAID)


def due_date_for(*, terms_days: int, placed_on: date) -> date:
    """Net ``terms_days`` from the day of placing (0: due on placing)."""
    return placed_on + timedelta(days=terms_days)


def payment_status_for(*, total: Decimal, paid: Decimal) -> Order.PaymentStatus:
    if paid <= 0 and total > 0:
        return Order.PaymentStatus.UNPAID
    if paid < total:
        return Order.PaymentStatus.PARTIALLY_PAID
    return Order.PaymentStatus.PAID if paid == total else Order.PaymentStatus.OVERPAID


def balance_due(order: Order) -> Decimal:
    """What the customer still owes: total - credited - paid + refunded (negative: owed to the customer, after an
    accepted overpayment or a credit memo)."""
    return order.balance_due


def payment_status_of(order: Order) -> Order.PaymentStatus:
    """What the order's money makes it, net of credit memos and refunds (overpaid: money is owed to the customer)."""
    return payment_status_for(total=order.total - order.amount_credited, paid=order.amount_paid - order.amount_refunded)


def refundable(order: Order) -> Decimal:
    """The most a refund may pay back: what was paid and not yet refunded."""
    return order.amount_paid - order.amount_refunded


def owed_to_customer(order: Order) -> Decimal:
    """What the customer is owed (a negative balance), never more than may be refunded; zero when nothing is."""
    return max(min(-balance_due(order), refundable(order)), Decimal("0"))


def why_not_retotal(order: Order, total: Decimal) -> str:
    """Why ``order`` cannot come to ``total`` (an edit, Cancel remaining items): its credit memos already credit more
    than that (order_credited_within_total stands behind it); "" when they do not."""
    if total >= order.amount_credited:
        return ""
    return (f"Credit memos already credit {format_money(order.amount_credited)} on order #{order.number}, more than "
            f"its new total of {format_money(total)}.")


def is_overdue(order: Order, today: date) -> bool:
    return (order.due_date is not None and order.due_date < today and order.payment_status in OPEN_BALANCE
            and lifecycle.can_pay(order))
