"""Payment terms and payment status: when an order's balance falls due and what its payments make it."""

from datetime import date, timedelta
from decimal import Decimal

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
    """What the customer still owes (negative: a credit, after an accepted overpayment)."""
    return order.total - order.amount_paid


def is_overdue(order: Order, today: date) -> bool:
    return (order.due_date is not None and order.due_date < today and order.payment_status in OPEN_BALANCE
            and lifecycle.can_pay(order))
