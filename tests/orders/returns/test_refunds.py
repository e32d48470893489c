"""Refund and store credit: never more paid back than was paid, the ledger never below zero, one refund per form,
and both held when two staff submit at once (PostgreSQL sessions in threads)."""

import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.events import describe
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.payments.models import Payment, Refund, StoreCredit
from orders.payments.selectors import store_credit_balance
from orders.payments.services import payment_record, refund_record, store_credit_apply
from orders.payments.terms import balance_due, owed_to_customer, refundable
from orders.returns.services import credit_memo_issue
from tests.factories import OrderFactory, ProductFactory, ShippingMethodFactory, TaxRateFactory, customer_with_address
from tests.helpers import postgres_only, run_concurrently, ship_everything

pytestmark = pytest.mark.django_db


def an_order(customer=None, quantity=1) -> Order:
    """10.00 a unit + 5.00 shipping + 8% tax on the units: one unit 15.80, two 26.60."""
    TaxRateFactory()
    return OrderFactory(customer=customer or customer_with_address(), shipping=ShippingMethodFactory(),
                        lines=[(ProductFactory(price=Decimal("10.00")), quantity)])


@pytest.fixture
def order(db):
    return an_order()


@pytest.fixture
def paid(order):
    pay(order, order.total)
    return order


def pay(order, amount, method="check"):
    return payment_record(order=order, amount=Decimal(amount), method=method, received_on=timezone.localdate())


def refund(order, amount, method="check", **kwargs):
    return refund_record(order=order, amount=Decimal(amount), method=method, **kwargs)


def apply_credit(order, **kwargs):
    """Store credit applied as checkout does: in the transaction that holds the order's lock."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        return store_credit_apply(order=locked, **kwargs)


def violates(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


# -- refunds ------------------------------------------------------------------------------------------------------

def test_refunds_never_pay_back_more_than_was_paid_less_what_is_refunded(paid, staff):
    first = refund(paid, "10.00", reference="Check 2041", actor=staff)
    assert first.recorded_now and (first.refunded_by, first.reference) == (staff, "Check 2041")
    assert refundable(Order.objects.get()) == Decimal("5.80")

    with pytest.raises(OrderRefused, match=r"At most \$5.80 can be refunded"):
        refund(paid, "5.81")

    refund(paid, "5.80")
    order = Order.objects.get()
    assert (order.amount_paid, order.amount_refunded) == (Decimal("15.80"), Decimal("15.80"))
    assert Refund.objects.count() == 2
    with pytest.raises(OrderRefused, match=r"At most \$0.00 can be refunded"):
        refund(paid, "0.01")


def test_nothing_is_refunded_on_an_unpaid_order(order):
    with pytest.raises(OrderRefused, match=r"At most \$0.00 can be refunded"):
        refund(order, "1.00")
    assert not Refund.objects.exists() and Order.objects.get().amount_refunded == 0


@pytest.mark.parametrize(("amount", "reference", "message"), [
    ("0", "", "greater than zero"), ("-5", "", "greater than zero"), ("5", "4111 1111 1111 1111", "card number")])
def test_a_refund_needs_a_positive_amount_and_no_card_number(paid, amount, reference, message):
    with pytest.raises(OrderRefused, match=message):
        refund(paid, amount, reference=reference)
    assert not Refund.objects.exists()


def test_a_refund_of_what_a_credit_memo_credits_brings_the_balance_to_zero(paid, staff):
    ship_everything(paid)
    credit_memo_issue(order=paid, amount=Decimal("4.00"), reason="Scratched", actor=staff)
    paid.refresh_from_db()
    assert balance_due(paid) == Decimal("-4.00") and owed_to_customer(paid) == Decimal("4.00")
    assert paid.payment_status == "overpaid"

    made = refund(paid, "4.00", actor=staff)

    paid.refresh_from_db()
    assert balance_due(paid) == 0 and owed_to_customer(paid) == 0 and paid.payment_status == "paid"
    event = paid.events.get(kind="refund")
    assert event.actor == staff and event.data["refund"] == made.pk
    assert describe(event) == "Refund of $4.00 (Check); balance due $0.00."


def test_the_same_refund_form_submitted_twice_refunds_once(paid):
    token = uuid.uuid4()
    first = refund(paid, "5.00", token=token)
    again = refund(paid, "5.00", token=token)
    assert again.pk == first.pk and first.recorded_now and not again.recorded_now
    assert Refund.objects.count() == 1 and Order.objects.get().amount_refunded == Decimal("5.00")
    assert paid.events.filter(kind="refund").count() == 1


def test_the_refund_confirmation_goes_through_the_email_machinery(paid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = refund(paid, "5.00", reference="Check 2041", send_email=True)
    [message] = mail.outbox
    assert message.to == [paid.customer_email] and "$5.00" in message.body and "Check 2041" in message.body
    made.refresh_from_db()
    assert made.email_state == "sent" and paid.events.filter(kind="refund_email_sent").exists()


def test_the_database_refuses_more_refunded_than_paid(paid):
    update = Order.objects.filter(pk=paid.pk).update
    assert violates(lambda: update(amount_refunded=Decimal("15.81")))
    assert violates(lambda: update(amount_refunded=Decimal("-0.01")))
    assert not violates(lambda: update(amount_refunded=Decimal("15.80")))


# -- store credit -------------------------------------------------------------------------------------------------

def test_a_refund_to_store_credit_puts_it_on_the_customers_ledger(paid, staff):
    made = refund(paid, "6.00", method="store_credit", actor=staff)

    entry = StoreCredit.objects.get()
    assert (entry.customer_id, entry.amount, entry.order, entry.refund, entry.payment) == (
        paid.customer_id, Decimal("6.00"), paid, made, None)
    assert store_credit_balance(paid.customer_id) == Decimal("6.00")


def test_a_refund_by_another_method_leaves_the_ledger_alone(paid):
    refund(paid, "6.00", method="bank_transfer")
    assert not StoreCredit.objects.exists() and store_credit_balance(paid.customer_id) == 0


def test_store_credit_pays_up_to_the_balance_due_and_keeps_the_rest(paid, staff):
    refund(paid, "15.80", method="store_credit")
    second = ship_everything(an_order(paid.customer))
    credit_memo_issue(order=second, amount=Decimal("3.00"), reason="Price match")  # 12.80 due

    payment = apply_credit(second, actor=staff)

    assert (payment.amount, payment.method) == (Decimal("12.80"), "store_credit")
    second.refresh_from_db()
    assert second.amount_paid == Decimal("12.80") and balance_due(second) == 0 and second.payment_status == "paid"
    assert store_credit_balance(paid.customer_id) == Decimal("3.00")
    assert StoreCredit.objects.get(payment=payment).amount == Decimal("-12.80")
    applied = second.events.get(kind="credit_applied")
    assert applied.actor == staff and describe(applied) == "Store credit of $12.80 applied; $3.00 of credit left."


def test_store_credit_pays_only_what_there_is_and_never_goes_below_zero(paid):
    refund(paid, "5.00", method="store_credit")
    second = an_order(paid.customer)

    payment = apply_credit(second)

    assert payment.amount == Decimal("5.00") and balance_due(Order.objects.get(pk=second.pk)) == Decimal("10.80")
    assert store_credit_balance(paid.customer_id) == 0
    assert apply_credit(second) is None
    assert store_credit_balance(paid.customer_id) == 0 and Payment.objects.filter(order=second).count() == 1


def test_store_credit_is_applied_up_to_a_limit(paid):
    refund(paid, "15.80", method="store_credit")
    payment = apply_credit(an_order(paid.customer), limit=Decimal("2.50"))
    assert payment.amount == Decimal("2.50") and store_credit_balance(paid.customer_id) == Decimal("13.30")


def test_no_store_credit_pays_nothing(order):
    assert apply_credit(order) is None
    assert not Payment.objects.exists() and not StoreCredit.objects.exists()


def test_one_customers_credit_never_pays_another_customers_order(paid):
    refund(paid, "15.80", method="store_credit")
    assert apply_credit(an_order()) is None
    assert store_credit_balance(paid.customer_id) == Decimal("15.80")


def test_a_store_credit_payment_is_never_more_than_the_credit(paid):
    refund(paid, "5.00", method="store_credit")
    second = an_order(paid.customer)
    with pytest.raises(OrderRefused, match=r"The customer has \$5.00 of store credit"):
        pay(second, "5.01", method="store_credit")
    pay(second, "5.00", method="store_credit")
    assert store_credit_balance(paid.customer_id) == 0
    assert StoreCredit.objects.filter(amount__lt=0).get().payment.order == second


# -- at once, on PostgreSQL ---------------------------------------------------------------------------------------

@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_refunds_of_the_whole_amount_at_once_pay_back_what_was_paid_once():
    order = an_order()
    pay(order, order.total)

    results = run_concurrently(lambda: refund(Order.objects.get(pk=order.pk), order.total), times=2)

    assert sorted(type(result).__name__ for result in results) == ["OrderRefused", "Refund"], results
    order.refresh_from_db()
    assert order.amount_refunded == order.amount_paid == Decimal("15.80")
    assert Refund.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_orders_applying_the_same_store_credit_at_once_never_overdraw_it():
    first = an_order(quantity=2)
    pay(first, "26.60")
    refund(first, "20.00", method="store_credit")
    paying = iter([an_order(first.customer), an_order(first.customer)])  # 15.80 each

    results = run_concurrently(lambda: apply_credit(next(paying)), times=2)

    assert all(isinstance(result, Payment) for result in results), results
    assert sorted(result.amount for result in results) == [Decimal("4.20"), Decimal("15.80")]
    assert store_credit_balance(first.customer_id) == 0
    assert sorted(StoreCredit.objects.values_list("amount", flat=True)) == [
        Decimal("-15.80"), Decimal("-4.20"), Decimal("20.00")]
