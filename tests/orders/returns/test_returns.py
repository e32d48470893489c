"""Return items and Receive return: what may come back, stock for resaleable goods, the credit memo's figures, the
timeline and the daily summary, and the database's constraints behind them."""

import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Product
from orders import events
from orders.events import describe
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.payments.terms import balance_due
from orders.reporting.models import DailySales
from orders.returns.models import CreditMemo, Return, ReturnLine, ReturnReason
from orders.returns.services import ReturnRequest, credit_memo_issue, return_create, return_receive
from tests.factories import OrderFactory, ProductFactory, ShippingMethodFactory, customer_with_address
from tests.helpers import postgres_only, run_concurrently, ship_everything

pytestmark = pytest.mark.django_db

RESALEABLE, DAMAGED = Return.Condition.RESALEABLE, Return.Condition.DAMAGED


@pytest.fixture
def carrier(db):
    return Carrier.objects.create(name="UPS")


@pytest.fixture
def customer(db):
    return customer_with_address()


@pytest.fixture
def order(checkout_setup, customer, carrier):
    """AAA 5 x 10.00 and BBB 2 x 20.00, 10% off, 5.00 shipping, 8% tax on 81.00: total 92.48. Shipped: 3 AAA and
    both BBB (partially shipped)."""
    placed = OrderFactory(customer=customer, lines=[(ProductFactory(sku="AAA", price=Decimal("10.00"), stock=20), 5),
                                                    (ProductFactory(sku="BBB", price=Decimal("20.00"), stock=20), 2)],
                          shipping=checkout_setup[0], discount="10%", discount_reason="Loyal customer")
    assert (placed.subtotal, placed.discount, placed.tax, placed.total) == (
        Decimal("90.00"), Decimal("9.00"), Decimal("6.48"), Decimal("92.48"))
    ship(placed, {line_of(placed, "AAA").pk: 3, line_of(placed, "BBB").pk: 2})
    return Order.objects.get(pk=placed.pk)


def ship(order, quantities=None):
    request = ShipmentRequest(carrier=Carrier.objects.get(), tracking_numbers=[], shipped_on=timezone.localdate(),
                              quantities=quantities)
    return shipment_record(order=order, request=request)


def line_of(order, sku) -> OrderLine:
    return OrderLine.objects.get(order=order, sku=sku)


def stock(sku) -> int:
    return Product.objects.get(sku=sku).stock


def authorize(customer, quantities, token=None, **fields) -> Return:
    return return_create(customer=customer, request=ReturnRequest(quantities=quantities, **fields), token=token)


def receive_all(ret, **kwargs):
    return return_receive(ret=ret, received={line.pk: line.quantity for line in ret.lines.all()}, **kwargs)


def returned(order) -> dict[str, int]:
    return dict(OrderLine.objects.filter(order=order).values_list("sku", "quantity_returned"))


def violates(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


# -- authorizing --------------------------------------------------------------------------------------------------

def test_a_return_is_authorized_for_at_most_what_shipped_less_what_is_already_on_a_return(order, customer):
    aaa = line_of(order, "AAA")

    first = authorize(customer, {aaa.pk: 2}, reason_text="Too big")

    assert first.status == "authorized" and first.label == f"R{first.number}"
    assert returned(order) == {"AAA": 2, "BBB": 0}
    with pytest.raises(OrderRefused, match=r"AAA: return between 0 and 1 \(3 shipped, 2 already on a return\)"):
        authorize(customer, {aaa.pk: 2})
    authorize(customer, {aaa.pk: 1})
    assert returned(order) == {"AAA": 3, "BBB": 0}
    with pytest.raises(OrderRefused, match="return between 0 and 0"):
        authorize(customer, {aaa.pk: 1})
    assert Return.objects.count() == 2


@pytest.mark.parametrize("quantity", [4, -1])
def test_a_quantity_beyond_what_shipped_or_below_zero_is_refused_and_nothing_is_written(order, customer, quantity):
    with pytest.raises(OrderRefused, match="AAA: return between 0 and 3"):
        authorize(customer, {line_of(order, "AAA").pk: quantity})
    assert not Return.objects.exists() and returned(order) == {"AAA": 0, "BBB": 0}


def test_unshipped_goods_cannot_come_back(checkout_setup, customer):
    placed = OrderFactory(customer=customer, shipping=checkout_setup[0])
    with pytest.raises(OrderRefused, match="only goods that have shipped can be returned"):
        authorize(customer, {placed.lines.get().pk: 1})
    assert not Return.objects.exists()


def test_one_return_takes_lines_from_several_orders_of_the_customer(order, customer, checkout_setup, staff):
    other = OrderFactory(customer=customer, lines=[(ProductFactory(sku="CCC"), 4)], shipping=checkout_setup[0])
    ship(other)

    ret = return_create(customer=customer, actor=staff, request=ReturnRequest(
        quantities={line_of(order, "BBB").pk: 1, line_of(other, "CCC").pk: 4}, reason=ReturnReason.objects.create(
            name="Wrong item"), reason_text="sent the blue one"))

    assert sorted(ret.lines.values_list("order_id", "order_line__sku", "quantity")) == sorted(
        [(order.pk, "BBB", 1), (other.pk, "CCC", 4)])
    assert returned(other) == {"CCC": 4} and returned(order) == {"AAA": 0, "BBB": 1}
    for placed, sku, quantity in ((order, "BBB", 1), (other, "CCC", 4)):
        event = placed.events.get(kind="return_authorized")
        assert event.actor == staff and event.data["lines"] == {sku: quantity}
        assert describe(event) == (f"Return {ret.label} authorized: {quantity} x {sku}, resaleable "
                                   "(Wrong item: sent the blue one).")


def test_lines_of_another_customer_are_refused(order, customer, checkout_setup, carrier):
    stranger = OrderFactory(lines=[(ProductFactory(sku="ZZZ"), 1)], shipping=checkout_setup[0])
    ship(stranger)

    with pytest.raises(OrderRefused, match="is not a shipped line of this customer's orders"):
        authorize(customer, {line_of(order, "AAA").pk: 1, line_of(stranger, "ZZZ").pk: 1})

    assert not Return.objects.exists()
    assert returned(order)["AAA"] == 0 and returned(stranger) == {"ZZZ": 0}


def test_nothing_to_return_is_refused(order, customer):
    with pytest.raises(OrderRefused, match="Nothing to return"):
        authorize(customer, {line_of(order, "AAA").pk: 0, line_of(order, "BBB").pk: 0})
    assert not Return.objects.exists()


def test_a_card_number_in_the_reason_is_refused(order, customer):
    with pytest.raises(OrderRefused, match="card number"):
        authorize(customer, {line_of(order, "AAA").pk: 1}, reason_text="refund to 4111 1111 1111 1111")
    assert not Return.objects.exists() and returned(order)["AAA"] == 0


def test_the_same_return_form_submitted_twice_authorizes_once(order, customer):
    token = uuid.uuid4()
    first = authorize(customer, {line_of(order, "AAA").pk: 2}, token=token)
    again = authorize(customer, {line_of(order, "AAA").pk: 2}, token=token)
    assert again.pk == first.pk and first.recorded_now and not again.recorded_now
    assert Return.objects.count() == 1 and returned(order)["AAA"] == 2


def test_return_instructions_go_through_the_email_machinery(order, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ret = authorize(customer, {line_of(order, "AAA").pk: 1}, send_email=True)
    [message] = mail.outbox
    assert message.to == [order.customer_email] and ret.label in message.subject and ret.label in message.body
    ret.refresh_from_db()
    assert ret.email_state == "sent"
    assert list(order.events.filter(kind__startswith="return_email").order_by("pk").values_list("kind", flat=True)) == [
        "return_email_queued", "return_email_sent"]


# -- receiving ----------------------------------------------------------------------------------------------------

def test_receiving_resaleable_goods_gives_tracked_products_their_stock_back(checkout_setup, customer, staff):
    tracked = ProductFactory(sku="TRK", stock=10)
    untracked = ProductFactory(sku="SVC", stock=0, track_inventory=False)
    placed = OrderFactory(customer=customer, lines=[(tracked, 3), (untracked, 2)], shipping=checkout_setup[0])
    Carrier.objects.create(name="UPS")
    ship(placed)
    ret = authorize(customer, {line_of(placed, "TRK").pk: 2, line_of(placed, "SVC").pk: 2})
    assert (stock("TRK"), stock("SVC")) == (7, 0)

    receipt = receive_all(ret, actor=staff)

    assert receipt.recorded_now and receipt.restocked == {"TRK": 2}
    assert (stock("TRK"), stock("SVC")) == (9, 0)
    ret.refresh_from_db()
    assert (ret.status, ret.received_by) == ("received", staff) and ret.received_at is not None
    assert list(ret.lines.values_list("quantity_received", flat=True)) == [2, 2]


def test_damaged_goods_are_credited_but_not_restocked(order, customer):
    ret = authorize(customer, {line_of(order, "AAA").pk: 2}, condition=DAMAGED)
    receipt = receive_all(ret)
    assert receipt.restocked == {} and stock("AAA") == 15
    assert [memo.total for memo in receipt.credit_memos] == [Decimal("19.44")]


def test_more_than_authorized_cannot_be_received(order, customer):
    ret = authorize(customer, {line_of(order, "AAA").pk: 2})
    line = ret.lines.get()
    with pytest.raises(OrderRefused, match=r"AAA: receive between 0 and 2 \(the quantity authorized\)"):
        return_receive(ret=ret, received={line.pk: 3})
    ret.refresh_from_db()
    assert ret.status == "authorized" and stock("AAA") == 15 and not CreditMemo.objects.exists()


def test_nothing_received_is_refused(order, customer):
    ret = authorize(customer, {line_of(order, "AAA").pk: 2})
    with pytest.raises(OrderRefused, match="Nothing received"):
        return_receive(ret=ret, received={ret.lines.get().pk: 0})
    assert Return.objects.get().status == "authorized"


def test_a_short_receipt_gives_back_the_rest_so_it_can_be_returned_again(order, customer):
    aaa = line_of(order, "AAA")
    ret = authorize(customer, {aaa.pk: 3})

    return_receive(ret=ret, received={ret.lines.get().pk: 1})

    assert returned(order)["AAA"] == 1 and stock("AAA") == 16
    assert ReturnLine.objects.get().quantity_received == 1
    again = authorize(customer, {aaa.pk: 2})
    assert again.lines.get().quantity == 2 and returned(order)["AAA"] == 3


def test_a_return_cannot_be_received_twice(order, customer):
    ret = authorize(customer, {line_of(order, "AAA").pk: 2})
    receive_all(ret)
    with pytest.raises(OrderRefused, match=f"Return {ret.label} was already received"):
        receive_all(ret)
    assert stock("AAA") == 17 and CreditMemo.objects.count() == 1


def test_the_same_receive_form_submitted_twice_receives_once(order, customer):
    ret = authorize(customer, {line_of(order, "AAA").pk: 2})
    token = uuid.uuid4()

    first = receive_all(ret, token=token)
    again = receive_all(ret, token=token)

    assert first.recorded_now and not again.recorded_now
    assert [memo.pk for memo in again.credit_memos] == [memo.pk for memo in first.credit_memos]
    assert stock("AAA") == 17 and CreditMemo.objects.count() == 1
    assert Order.objects.get().amount_credited == Decimal("19.44")


# -- the credit memo ----------------------------------------------------------------------------------------------

def test_the_credit_memo_is_the_price_charged_less_its_discount_share_plus_tax(order, customer):
    ret = authorize(customer, {line_of(order, "AAA").pk: 2})

    [memo] = receive_all(ret).credit_memos

    # 2 x 10.00, less 10% (2.00), plus 8% tax on 18.00 (1.44)
    assert (memo.subtotal, memo.discount, memo.shipping, memo.tax, memo.total) == (
        Decimal("20.00"), Decimal("2.00"), Decimal("0.00"), Decimal("1.44"), Decimal("19.44"))
    assert list(memo.lines.values_list("sku", "quantity", "unit_price", "line_total")) == [
        ("AAA", 2, Decimal("10.00"), Decimal("20.00"))]
    order.refresh_from_db()
    assert order.amount_credited == Decimal("19.44") and balance_due(order) == Decimal("73.04")


def test_shipping_is_credited_only_when_asked_and_only_once_per_order(order, customer):
    aaa, bbb = line_of(order, "AAA"), line_of(order, "BBB")
    [without] = receive_all(authorize(customer, {aaa.pk: 1})).credit_memos
    assert (without.shipping, without.total) == (Decimal("0.00"), Decimal("9.72"))

    [first] = receive_all(authorize(customer, {aaa.pk: 1}), refund_shipping=True).credit_memos
    [second] = receive_all(authorize(customer, {bbb.pk: 1}), refund_shipping=True).credit_memos

    assert (first.shipping, first.total) == (Decimal("5.00"), Decimal("14.72"))
    assert (second.shipping, second.total) == (Decimal("0.00"), Decimal("19.44"))
    assert Order.objects.get().amount_credited == Decimal("43.88")


def test_everything_back_with_shipping_credits_exactly_the_total(order, customer, carrier):
    ship(order)  # the last 2 AAA
    ret = authorize(customer, {line_of(order, "AAA").pk: 5, line_of(order, "BBB").pk: 2})

    receive_all(ret, refund_shipping=True)

    order.refresh_from_db()
    assert order.amount_credited == order.total == Decimal("92.48") and balance_due(order) == 0


def test_credit_memos_never_credit_more_than_the_total_less_what_is_credited(order, customer, staff):
    goodwill = credit_memo_issue(order=order, amount=Decimal("85.00"), reason="Late delivery", actor=staff)
    assert (goodwill.total, goodwill.reason, goodwill.lines.count()) == (Decimal("85.00"), "Late delivery", 0)

    [memo] = receive_all(authorize(customer, {line_of(order, "BBB").pk: 2})).credit_memos

    assert memo.total == Decimal("7.48")  # 38.88 of goods, but only 7.48 was left to credit
    order.refresh_from_db()
    assert order.amount_credited == order.total
    with pytest.raises(OrderRefused, match=r"At most \$0.00 can be credited"):
        credit_memo_issue(order=order, amount=Decimal("0.01"), reason="Goodwill")
    receipt = receive_all(authorize(customer, {line_of(order, "AAA").pk: 1}))
    assert receipt.credit_memos == [] and CreditMemo.objects.count() == 2


def test_a_goodwill_credit_waits_until_something_has_shipped(checkout_setup, customer):
    """Before anything ships, a price adjustment is an edit (Edit order); an order that can still be edited or
    cancelled never has a credit memo."""
    placed = OrderFactory(customer=customer, lines=[(ProductFactory(price=Decimal("10.00")), 5)],
                          shipping=checkout_setup[0])

    with pytest.raises(OrderRefused, match="for goods that have shipped"):
        credit_memo_issue(order=placed, amount=Decimal("4.00"), reason="Price match")

    assert not CreditMemo.objects.exists()
    ship_everything(placed)
    assert credit_memo_issue(order=placed, amount=Decimal("4.00"), reason="Price match").total == Decimal("4.00")


@pytest.mark.parametrize(("amount", "reason", "message"), [
    ("0", "Goodwill", "greater than zero"), ("-1", "Goodwill", "greater than zero"), ("5", " ", "Say why"),
    ("5", "card 4111 1111 1111 1111", "card number"), ("92.49", "Goodwill", r"At most \$92.48 can be credited")])
def test_a_goodwill_credit_needs_a_positive_amount_within_the_total_and_a_reason(order, amount, reason, message):
    with pytest.raises(OrderRefused, match=message):
        credit_memo_issue(order=order, amount=Decimal(amount), reason=reason)
    assert not CreditMemo.objects.exists() and Order.objects.get().amount_credited == 0


def test_the_same_goodwill_form_submitted_twice_credits_once(order):
    token = uuid.uuid4()
    first = credit_memo_issue(order=order, amount=Decimal("5.00"), reason="Scratched box", token=token)
    again = credit_memo_issue(order=order, amount=Decimal("5.00"), reason="Scratched box", token=token)
    assert again.pk == first.pk and not again.recorded_now
    assert Order.objects.get().amount_credited == Decimal("5.00")


# -- the timeline and the daily summary ---------------------------------------------------------------------------

def test_receiving_puts_the_return_and_its_credit_memo_on_the_timeline(order, customer, staff):
    ret = authorize(customer, {line_of(order, "AAA").pk: 2})
    [memo] = receive_all(ret, actor=staff).credit_memos

    received = order.events.get(kind="return_received")
    assert received.actor == staff
    assert received.data == {"return": ret.number, "lines": {"AAA": 2}, "restocked": {"AAA": 2}}
    assert describe(received) == f"Return {ret.label} received: 2 x AAA; restocked 2 x AAA."
    credited = order.events.get(kind="credit_memo")
    assert credited.actor == staff
    assert describe(credited) == (f"Credit memo {memo.label} of $19.44 (return {ret.label}); "
                                  "balance due $73.04.")


def test_each_orders_timeline_shows_what_came_back_from_it(checkout_setup, customer, carrier):
    product = ProductFactory(sku="LAMP", stock=20)
    first, second = (OrderFactory(customer=customer, lines=[(product, quantity)], shipping=checkout_setup[0])
                     for quantity in (2, 3))
    for placed in (first, second):
        ship(placed)
    ret = authorize(customer, {line_of(first, "LAMP").pk: 2, line_of(second, "LAMP").pk: 3})

    receipt = receive_all(ret)

    assert receipt.restocked == {"LAMP": 5} and stock("LAMP") == 20
    for placed, quantity in ((first, 2), (second, 3)):
        event = placed.events.get(kind="return_received")
        assert (event.data["lines"], event.data["restocked"]) == ({"LAMP": quantity}, {"LAMP": quantity})
    assert sorted(memo.order_id for memo in receipt.credit_memos) == [first.pk, second.pk]


@pytest.mark.parametrize("failing", ["return_received_event", "credit_memo_event"])
def test_a_receipt_whose_timeline_cannot_be_written_changes_nothing(order, customer, monkeypatch, failing):
    ret = authorize(customer, {line_of(order, "AAA").pk: 2})

    def broken(**kwargs):
        raise RuntimeError("the timeline is unavailable")

    monkeypatch.setattr(events, failing, broken)
    with pytest.raises(RuntimeError):
        receive_all(ret)

    ret.refresh_from_db()
    assert ret.status == "authorized" and ret.lines.get().quantity_received == 0
    assert stock("AAA") == 15 and not CreditMemo.objects.exists()
    assert Order.objects.get().amount_credited == 0 and DailySales.objects.get().credited == 0


def test_credit_memos_are_counted_in_the_days_summary(order, customer):
    receive_all(authorize(customer, {line_of(order, "AAA").pk: 2}))
    credit_memo_issue(order=order, amount=Decimal("5.00"), reason="Goodwill")

    summary = DailySales.objects.get()
    assert (summary.day, summary.revenue, summary.credited) == (
        timezone.localdate(), Decimal("92.48"), Decimal("24.44"))


# -- the database's constraints -----------------------------------------------------------------------------------

def test_the_database_refuses_more_returned_than_shipped(order):
    aaa = line_of(order, "AAA")
    assert violates(lambda: OrderLine.objects.filter(pk=aaa.pk).update(quantity_returned=4))
    assert violates(lambda: OrderLine.objects.filter(pk=aaa.pk).update(quantity_returned=-1))
    assert not violates(lambda: OrderLine.objects.filter(pk=aaa.pk).update(quantity_returned=3))


def test_the_database_refuses_more_received_than_authorized(order, customer):
    line = authorize(customer, {line_of(order, "AAA").pk: 2}).lines.get()
    assert violates(lambda: ReturnLine.objects.filter(pk=line.pk).update(quantity_received=3))
    assert not violates(lambda: ReturnLine.objects.filter(pk=line.pk).update(quantity_received=2))


def test_the_database_refuses_more_credited_than_the_total(order):
    assert violates(lambda: Order.objects.filter(pk=order.pk).update(amount_credited=Decimal("92.49")))
    assert violates(lambda: Order.objects.filter(pk=order.pk).update(amount_credited=Decimal("-0.01")))
    assert not violates(lambda: Order.objects.filter(pk=order.pk).update(amount_credited=Decimal("92.48")))


# -- at once, on PostgreSQL ---------------------------------------------------------------------------------------

@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_returns_of_everything_shipped_at_once_authorize_it_once():
    customer = customer_with_address()
    placed = OrderFactory(customer=customer, lines=[(ProductFactory(sku="AAA"), 3)], shipping=ShippingMethodFactory())
    Carrier.objects.create(name="UPS")
    ship(placed)
    line = line_of(placed, "AAA")

    results = run_concurrently(lambda: authorize(customer, {line.pk: 3}), times=3)

    assert sorted(type(result).__name__ for result in results) == ["OrderRefused", "OrderRefused", "Return"], results
    assert returned(placed) == {"AAA": 3} and ReturnLine.objects.get().quantity == 3


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_receipts_of_one_return_at_once_restock_and_credit_once():
    customer = customer_with_address()
    placed = OrderFactory(customer=customer, lines=[(ProductFactory(sku="AAA", stock=10), 3)],
                          shipping=ShippingMethodFactory())
    Carrier.objects.create(name="UPS")
    ship(placed)
    ret = authorize(customer, {line_of(placed, "AAA").pk: 3})

    results = run_concurrently(lambda: receive_all(Return.objects.get(pk=ret.pk)), times=3)

    assert sorted(type(result).__name__ for result in results) == ["OrderRefused", "OrderRefused",
                                                                   "ReturnReceipt"], results
    assert stock("AAA") == 10 and CreditMemo.objects.count() == 1
    assert Order.objects.get().amount_credited == CreditMemo.objects.get().total
