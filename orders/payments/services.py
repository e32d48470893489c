"""Money in and out: payments (over-payment refused unless accepted), refunds (never more than was paid) and the
customer's store credit (a ledger; refunds to it, payments from it)."""

import uuid
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import Customer
from oms.core.money import MAX_AMOUNT, format_money
from oms.core.validators import CARD_MESSAGE, contains_card_number
from orders import events, lifecycle
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.notifications.tasks import order_email_enqueue
from orders.payments.models import Payment, Refund, StoreCredit
from orders.payments.terms import balance_due, payment_status_of, refundable
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
    available = _credit_locked(current) if method == Payment.Method.STORE_CREDIT else None
    if available is not None and amount > available:
        raise OrderRefused([f"The customer has {format_money(available)} of store credit: pay at most that from it."])
    payment = Payment.objects.create(order=current, amount=amount, method=method, reference=reference,
                                     received_on=received_on, recorded_by=actor, submission_token=token)
    payment.recorded_now = True
    current.amount_paid += amount
    current.payment_status = payment_status_of(current)
    current.save(update_fields=["amount_paid", "payment_status"])
    events.payment_recorded_event(order=current, actor=actor, payment=payment, balance=balance_due(current))
    if available is not None:
        _credit_take(current, payment, available, actor)
    return payment


def refund_record(*, order: Order, amount: Decimal, method: str, reference: str = "", send_email: bool = False,
                  actor=None, token: uuid.UUID | None = None) -> Refund:
    """Record money paid back to the customer: never more than was paid and not yet refunded (checked under the
    order's lock, and a database constraint behind it). ``method`` store credit puts the amount on the customer's
    store credit. Queues the refund confirmation when asked and the order has an email address. Idempotent on
    ``token`` (the Refund form's): the first refund comes back with ``recorded_now`` False.

    Raises OrderRefused for an amount that is not positive or more than may be refunded, a method not offered, a
    reference holding a card number.
    """
    if amount <= 0 or amount != round(amount, 2):
        raise OrderRefused(["Enter an amount greater than zero, in cents at most (such as 12.50)."])
    if method not in Payment.Method.values:
        raise OrderRefused(["Choose one of the refund methods offered."])
    if contains_card_number(reference):
        raise OrderRefused([CARD_MESSAGE])
    try:
        with transaction.atomic():
            current = _locked(order)
            if first := _recorded_with(Refund, current, token):
                refund = first
            else:
                refund = _refund_write(current, amount=amount, method=method, reference=reference.strip(),
                                       send_email=send_email, actor=actor, token=token)
    except IntegrityError as error:
        return _recorded_or_raise(Refund, order, token, error)
    order.amount_refunded, order.payment_status = current.amount_refunded, current.payment_status
    return refund


def _refund_write(current: Order, *, amount: Decimal, method: str, reference: str, send_email: bool, actor,
                  token) -> Refund:
    most = refundable(current)
    if amount > most:
        raise OrderRefused([f"At most {format_money(most)} can be refunded: that is what was paid on order "
                            f"#{current.number} and not refunded yet."])
    email_to = current.customer_email if send_email else ""
    refund = Refund.objects.create(order=current, amount=amount, method=method, reference=reference,
                                   refunded_by=actor, submission_token=token, email_to=email_to,
                                   email_state=Order.EmailState.PENDING if email_to else Order.EmailState.NOT_REQUESTED)
    refund.recorded_now = True
    if method == Payment.Method.STORE_CREDIT:
        _credit_locked(current)
        StoreCredit.objects.create(customer_id=current.customer_id, amount=amount, order=current, refund=refund,
                                   created_by=actor)
    current.amount_refunded += amount
    current.payment_status = payment_status_of(current)
    current.save(update_fields=["amount_refunded", "payment_status"])
    events.refund_event(order=current, actor=actor, refund=refund, balance=balance_due(current))
    if email_to:
        order_email_enqueue(order=current, kind="refund", about=refund.pk)
    return refund


def _credit_locked(order: Order) -> Decimal:
    """Lock the ledger of ``order``'s customer (their row) and read its balance: every entry is written under it."""
    Customer.objects.select_for_update().get(pk=order.customer_id)
    return StoreCredit.objects.filter(customer_id=order.customer_id).aggregate(
        balance=Coalesce(Sum("amount"), Decimal("0")))["balance"]


def _credit_take(order: Order, payment: Payment, available: Decimal, actor) -> None:
    StoreCredit.objects.create(customer_id=order.customer_id, amount=-payment.amount, order=order, payment=payment,
                               created_by=actor)
    events.credit_applied_event(order=order, actor=actor, amount=payment.amount, balance=available - payment.amount)


def store_credit_apply(*, order: Order, actor=None, limit: Decimal | None = None) -> Payment | None:
    """Pay ``order`` from its customer's store credit, up to the balance due (and ``limit``): a Store credit payment
    and its ledger entry, under the customer's lock, so the balance never goes below zero. Call inside the
    transaction that placed or locked the order. None when there is no credit or nothing is due."""
    if not lifecycle.can_pay(order):
        return None
    available = _credit_locked(order)
    amount = min(available, balance_due(order), *([limit] if limit is not None else []))
    if amount <= 0:
        return None
    payment = Payment.objects.create(order=order, amount=amount, method=Payment.Method.STORE_CREDIT,
                                     reference="", received_on=timezone.localdate(), recorded_by=actor)
    order.amount_paid += amount
    order.payment_status = payment_status_of(order)
    order.save(update_fields=["amount_paid", "payment_status"])
    events.payment_recorded_event(order=order, actor=actor, payment=payment, balance=balance_due(order))
    _credit_take(order, payment, available, actor)
    return payment
