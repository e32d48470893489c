"""Recording a payment: the order's amount paid and payment status follow, over-payment refused."""

import uuid
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from oms.core.money import MAX_AMOUNT, format_money
from oms.core.validators import CARD_MESSAGE, contains_card_number
from orders import events, lifecycle
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.payments.models import Payment
from orders.payments.terms import balance_due, payment_status_for
from orders.services import _locked, _recorded_or_raise, _recorded_with


class Overpayment(OrderRefused):
    """The payment is more than the balance due; ``excess`` says by how much. Record it with
    allow_overpayment=True to keep the difference as the customer's credit."""

    def __init__(self, balance: Decimal, excess: Decimal):
        super().__init__([f"This payment is {format_money(excess)} more than the balance due of "
                          f"{format_money(balance)}. Check the amount, or tick “Accept overpayment” to keep the "
                          "difference as the customer's credit."])
        self.excess = excess


def payment_record(*, order: Order, amount: Decimal, method: str, reference: str = "", received_on: date,
                   allow_overpayment: bool = False, actor=None, token: uuid.UUID | None = None) -> Payment:
    """Record a payment against ``order`` and move its payment status.

    Idempotent on ``token`` (the Record payment form's): a token that already recorded a payment on this order
    returns that payment with ``recorded_now`` False (True when this call recorded it).

    Raises OrderRefused for a cancelled order, an amount that is not positive or a reference holding a card
    number, and Overpayment when the
    amount is more than the balance due and allow_overpayment is False.
    """
    if amount <= 0:
        raise OrderRefused(["Enter an amount greater than zero."])
    if contains_card_number(reference):
        raise OrderRefused([CARD_MESSAGE])
    try:
        with transaction.atomic():
            current = _locked(order)
            if first := _recorded_with(Payment, current, token):
                order.amount_paid, order.payment_status = current.amount_paid, current.payment_status
                return first
            payment = _payment_write(current, amount=amount, method=method, reference=reference,
                                     received_on=received_on, allow_overpayment=allow_overpayment, actor=actor,
                                     token=token)
    except IntegrityError as error:
        return _recorded_or_raise(Payment, order, token, error)
    order.amount_paid, order.payment_status = current.amount_paid, current.payment_status
    return payment


def _payment_write(current: Order, *, amount: Decimal, method: str, reference: str, received_on: date,
                   allow_overpayment: bool, actor, token) -> Payment:
    if not lifecycle.can_pay(current):
        raise OrderRefused([lifecycle.why_not_pay(current)])
    balance = balance_due(current)
    if amount > balance and not allow_overpayment:
        raise Overpayment(balance, amount - max(balance, Decimal("0")))
    if current.amount_paid + amount > MAX_AMOUNT:
        raise OrderRefused([f"The order's payments would exceed {MAX_AMOUNT:,}: check the amount."])
    payment = Payment.objects.create(order=current, amount=amount, method=method, reference=reference,
                                     received_on=received_on, recorded_by=actor, submission_token=token)
    payment.recorded_now = True
    current.amount_paid += amount
    current.payment_status = payment_status_for(total=current.total, paid=current.amount_paid)
    current.save(update_fields=["amount_paid", "payment_status"])
    events.payment_recorded_event(order=current, actor=actor, payment=payment, balance=balance_due(current))
    return payment
