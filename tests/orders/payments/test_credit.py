"""Credit limits: a customer's exposure (the unpaid balance of their open orders paid on account or by purchase order)
read by one selector and checked against sums worked by hand; placing past the limit, or with overdue invoices when
the type says so, holds the order and never refuses it; a Manager's release keeps who and why."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import CustomerType
from orders.changes.editing import OrderChange, order_edit_save
from orders.changes.services import order_cancel, order_hold_release
from orders.events import describe
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.models import Order
from orders.payments.selectors import credit_exposure
from orders.payments.services import payment_record, refund_record
from orders.returns.services import credit_memo_issue
from tests.factories import ProductFactory, ShippingMethodFactory, customer_with_address
from tests.helpers import place

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def trade(db):
    """A customer type with a 1,000.00 limit that may pay any way."""
    return CustomerType.objects.create(name="Trade", credit_limit=D("1000.00"))


@pytest.fixture
def customer(trade):
    return customer_with_address(customer_type=trade)


@pytest.fixture
def widget(db):
    return ProductFactory(sku="W-100", price=D("100.00"), stock=1000)


@pytest.fixture
def pickup(db):
    """No shipping charge and no tax rate: an order's total is its lines' (100.00 a widget)."""
    return ShippingMethodFactory(name="Pickup", price=D("0.00"))


@pytest.fixture
def order_of(customer, widget, pickup):
    """Place ``quantity`` widgets for the customer, on account unless told otherwise."""

    def order(quantity: int, method: str = "on_account", who=None, **fields) -> Order:
        return place(who or customer, [(widget.pk, quantity)], pickup, payment_method=method, **fields).order

    return order


def credit(customer, today=None):
    customer.refresh_from_db()
    return credit_exposure(customer, today=today)


def pay(order, amount):
    return payment_record(order=order, amount=D(amount), method="check", received_on=timezone.localdate())


def ship(order):
    return shipment_record(order=order, request=ShipmentRequest(carrier=Carrier.objects.get_or_create(name="UPS")[0],
                                                                tracking_numbers=[], shipped_on=date.today()))


def test_exposure_counts_open_orders_on_account_and_by_purchase_order_only(customer, order_of):
    order_of(3)  # 300.00 on account
    order_of(2, "purchase_order", payment_reference="PO-77")  # 200.00 by purchase order
    order_of(5, "check")  # 500.00 by check: paid up front, not on credit
    order_of(1, who=customer_with_address())  # someone else's

    found = credit(customer)

    assert (found.limit, found.exposure, found.available) == (D("1000.00"), D("500.00"), D("500.00"))
    assert (found.overdue_count, found.overdue_amount, found.hold_reason) == (0, D("0"), "")


def test_partial_payments_leave_what_is_unpaid_and_a_paid_order_drops_out(customer, order_of):
    first, second = order_of(3), order_of(2)  # 300.00, 200.00
    pay(first, "120.00")  # 180.00 left
    pay(second, "200.00")  # paid

    assert credit(customer).exposure == D("180.00")
    pay(first, "80.00")  # 100.00 left
    assert (credit(customer).exposure, credit(customer).available) == (D("100.00"), D("900.00"))


def test_an_edit_that_changes_the_total_changes_the_exposure(customer, order_of, widget, staff):
    order = order_of(3)  # 300.00
    pay(order, "50.00")
    order.refresh_from_db()

    order_edit_save(order=order, change=OrderChange(version=order.version, token="edit-1",
                                                    quantities={widget.pk: 5}), actor=staff)

    assert Order.objects.get(pk=order.pk).total == D("500.00")
    assert credit(customer).exposure == D("450.00")  # 500.00 - 50.00 paid


def test_a_cancelled_order_no_longer_counts(customer, order_of):
    kept, cancelled = order_of(3), order_of(4)  # 300.00, 400.00
    pay(cancelled, "100.00")
    assert credit(customer).exposure == D("600.00")  # 300.00 + 300.00

    order_cancel(order=cancelled, reason="Ordered twice", actor=None)

    assert credit(customer).exposure == D("300.00")
    assert kept.pk != cancelled.pk


def test_a_credit_memo_lowers_the_exposure_and_a_refund_of_what_it_owes_them_leaves_none(customer, order_of):
    order = order_of(3)  # 300.00
    pay(order, "250.00")  # 50.00 left
    ship(order)
    credit_memo_issue(order=Order.objects.get(pk=order.pk), amount=D("20.00"), reason="Scratched")
    assert credit(customer).exposure == D("30.00")  # 300.00 - 20.00 - 250.00

    credit_memo_issue(order=Order.objects.get(pk=order.pk), amount=D("80.00"), reason="Late")
    assert credit(customer).exposure == D("0")  # 50.00 owed to the customer: not netted against other orders
    other = order_of(1)  # 100.00
    assert credit(customer).exposure == D("100.00")

    refund_record(order=Order.objects.get(pk=order.pk), amount=D("50.00"), method="check")
    assert Order.objects.get(pk=order.pk).balance_due == D("0.00")
    assert credit(customer).exposure == D("100.00")
    assert other.balance_due == D("100.00")


def test_the_sum_is_each_orders_balance_due_total_less_credited_less_paid_plus_refunded(customer, order_of):
    first = order_of(3)  # 300.00
    order_of(2)  # 200.00
    # Figures no service path leaves together, to check the sum's sign of each column.
    Order.objects.filter(pk=first.pk).update(amount_paid=D("150.00"), amount_refunded=D("30.00"),
                                             amount_credited=D("20.00"), payment_status="partially_paid")
    first.refresh_from_db()

    assert first.balance_due == D("160.00")  # 300 - 20 - 150 + 30
    assert credit(customer).exposure == D("360.00")  # 160 + 200


def test_overdue_counts_the_open_orders_on_credit_past_their_due_date(customer, order_of):
    today = timezone.localdate()
    late, due_today, later = order_of(3), order_of(2), order_of(1)
    pay(late, "100.00")
    Order.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=5))
    Order.objects.filter(pk=due_today.pk).update(due_date=today)
    Order.objects.filter(pk=later.pk).update(due_date=today + timedelta(days=30))
    paid = order_of(1)
    pay(paid, "100.00")
    Order.objects.filter(pk=paid.pk).update(due_date=today - timedelta(days=5))

    found = credit(customer, today=today)

    assert (found.overdue_count, found.overdue_amount, found.overdue) == (1, D("200.00"), "1 overdue invoice, $200.00")
    assert found.exposure == D("500.00")  # 200 + 200 + 100


def test_the_customers_own_limit_wins_over_the_types_and_none_is_unlimited(customer, trade, order_of):
    order_of(3)
    customer.credit_limit = D("250.00")
    customer.save()
    assert (credit(customer).limit, credit(customer).available) == (D("250.00"), D("-50.00"))
    assert credit(customer).hold_reason == "Over the credit limit by $50.00"

    customer.credit_limit = None
    customer.save()
    trade.credit_limit = None
    trade.save()
    found = credit(customer)
    assert (found.limit, found.available, found.exposure, found.hold_reason) == (None, None, D("300.00"), "")


def test_placing_past_the_limit_holds_the_order_and_never_refuses_it(customer, order_of, widget):
    order_of(9)  # 900.00 of the 1,000.00

    order = order_of(2)  # 200.00 more: 100.00 over

    order.refresh_from_db()
    assert (order.status, order.on_hold, order.hold_reason) == ("placed", True, "Over the credit limit by $100.00")
    assert widget.__class__.objects.get(pk=widget.pk).stock == 1000 - 11
    held = order.events.get(kind="held")
    assert (describe(held), held.actor) == ("Put on hold: Over the credit limit by $100.00.", None)


def test_up_to_the_limit_and_orders_not_on_credit_are_not_held(customer, order_of):
    order_of(9)
    at_limit = order_of(1)  # exactly 1,000.00
    by_check = order_of(50, "check")  # 5,000.00 paid up front
    assert not Order.objects.get(pk=at_limit.pk).on_hold
    assert not Order.objects.get(pk=by_check.pk).on_hold
    assert credit(customer).available == D("0.00")


def test_overdue_invoices_hold_an_order_on_credit_when_the_type_says_so(customer, trade, order_of):
    trade.credit_limit = None
    trade.save()
    late = order_of(2)
    Order.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=1))

    assert not Order.objects.get(pk=order_of(1).pk).on_hold  # the type does not hold for overdue invoices

    trade.hold_when_overdue = True
    trade.save()
    order = Order.objects.get(pk=order_of(1).pk)
    assert (order.on_hold, order.hold_reason) == (True, "1 overdue invoice, $200.00")
    assert not Order.objects.get(pk=order_of(1, "check").pk).on_hold


def test_a_limit_and_overdue_invoices_both_say_why(customer, trade, order_of):
    trade.hold_when_overdue = True
    trade.save()
    late = order_of(9)
    Order.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=10))

    order = Order.objects.get(pk=order_of(3).pk)

    assert order.hold_reason == "Over the credit limit by $200.00; 1 overdue invoice, $900.00"


def test_store_credit_applied_at_placing_counts_only_what_it_leaves_owing(customer, order_of):
    order_of(9)
    overpaid = order_of(1, "check")  # 100.00, paid 250.00: 150.00 refunded to store credit
    payment_record(order=overpaid, amount=D("250.00"), method="check", received_on=timezone.localdate(),
                   allow_overpayment=True)
    refund_record(order=Order.objects.get(pk=overpaid.pk), amount=D("150.00"), method="store_credit")

    order = Order.objects.get(pk=order_of(2, apply_store_credit=True).pk)  # 200.00, 150.00 paid from credit

    assert (order.amount_paid, order.on_hold) == (D("150.00"), False)
    assert credit(customer).exposure == D("950.00")


def test_a_manager_releasing_a_credit_hold_is_recorded_with_who_and_why(staff_client, staff, customer, order_of):
    order_of(10)
    order = order_of(1)
    assert Order.objects.get(pk=order.pk).on_hold

    response = staff_client.post(reverse("orders:release", args=[order.number]), {"note": "Paid by wire today"})

    assert response.url == order.get_absolute_url()
    released = Order.objects.get(pk=order.pk).events.get(kind="released")
    assert released.actor == staff
    assert describe(released) == "Hold released (Over the credit limit by $100.00): Paid by wire today."


def test_a_release_without_a_note_still_says_whose_hold_it_was(customer, order_of, staff):
    order_of(11)
    order_hold_release(order=Order.objects.get(on_hold=True), actor=staff)
    released = Order.objects.get(events__kind="released").events.get(kind="released")
    assert describe(released) == "Hold released (Over the credit limit by $100.00)."
