"""Cancel remaining items: what has not shipped of a partially shipped order goes back to stock, the order is priced
again for what shipped (its discount and tax as placed) and is shipped; money paid beyond the new total is owed."""

from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Product
from orders.changes.services import order_cancel_remaining
from orders.events import describe
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.payments.services import payment_record
from orders.payments.terms import balance_due, owed_to_customer
from orders.reporting.models import DailyProductSales, DailySales
from orders.returns.services import credit_memo_issue
from tests.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(checkout_setup):
    """TRK 5 x 10.00, SVC (untracked) 2 x 7.50, GONE 3 x 4.00; 10% off, 5.00 shipping, 8% tax: 79.84, paid in
    full. Shipped: 2 TRK and both SVC."""
    placed = OrderFactory(lines=[(ProductFactory(sku="TRK", price=Decimal("10.00"), stock=20), 5),
                                 (ProductFactory(sku="SVC", price=Decimal("7.50"), stock=0, track_inventory=False), 2),
                                 (ProductFactory(sku="GONE", price=Decimal("4.00"), stock=20), 3)],
                          shipping=checkout_setup[0], discount="10%", discount_reason="Loyal customer")
    assert placed.total == Decimal("79.84")  # 77.00 - 7.70 + 5.00 + 8% of 69.30
    shipping = {"TRK": 2, "SVC": 2}
    request = ShipmentRequest(carrier=Carrier.objects.create(name="UPS"), tracking_numbers=[],
                              shipped_on=timezone.localdate(),
                              quantities={line.pk: shipping.get(line.sku, 0) for line in placed.lines.all()})
    shipment_record(order=placed, request=request)
    payment_record(order=placed, amount=placed.total, method="check", received_on=timezone.localdate())
    return Order.objects.get(pk=placed.pk)


def stock() -> dict[str, int]:
    return dict(Product.objects.values_list("sku", "stock"))


def lines(order) -> dict[str, tuple]:
    return {line.sku: (line.quantity, line.quantity_shipped, line.line_total)
            for line in OrderLine.objects.filter(order=order)}


def test_unshipped_quantities_go_back_to_stock_and_lines_with_nothing_shipped_go(order, staff):
    assert stock() == {"TRK": 15, "SVC": 0, "GONE": 17}

    cancelled = order_cancel_remaining(order=order, reason="Customer does not want to wait", actor=staff)

    assert cancelled.changed and cancelled.restocked == {"TRK": 3, "GONE": 3}
    assert stock() == {"TRK": 18, "SVC": 0, "GONE": 20}
    assert lines(order) == {"TRK": (2, 2, Decimal("20.00")), "SVC": (2, 2, Decimal("15.00"))}


def test_the_order_is_priced_again_with_its_discount_and_tax_and_is_shipped(order):
    order_cancel_remaining(order=order, reason="Out of stock at the supplier")

    order.refresh_from_db()
    # 35.00 of goods, 10% off (3.50), 5.00 shipping, 8% tax on 31.50 (2.52)
    assert (order.subtotal, order.discount, order.shipping, order.tax, order.total) == (
        Decimal("35.00"), Decimal("3.50"), Decimal("5.00"), Decimal("2.52"), Decimal("39.02"))
    assert order.status == "shipped" and order.version == 2


def test_more_paid_than_the_new_total_is_owed_to_the_customer(order):
    order_cancel_remaining(order=order, reason="Discontinued")

    order.refresh_from_db()
    assert balance_due(order) == Decimal("-40.82") and owed_to_customer(order) == Decimal("40.82")
    assert order.payment_status == "overpaid"


def test_the_days_summary_follows_the_new_total(order):
    order_cancel_remaining(order=order, reason="Discontinued")

    assert DailySales.objects.get().revenue == Decimal("39.02")
    sold = dict(DailyProductSales.objects.values_list("product__sku", "quantity"))
    assert sold == {"TRK": 2, "SVC": 2, "GONE": 0}


def test_the_timeline_says_what_was_cancelled_and_restocked(order, staff):
    order_cancel_remaining(order=order, reason="Discontinued", actor=staff)

    event = order.events.get(kind="remaining_cancelled")
    assert event.actor == staff
    assert event.data == {"reason": "Discontinued", "cancelled": {"TRK": 3, "GONE": 3},
                          "restocked": {"TRK": 3, "GONE": 3}, "total_before": "79.84", "total": "39.02"}
    assert describe(event) == ("Remaining items cancelled: Discontinued. Cancelled 3 x GONE, 3 x TRK; restocked "
                               "3 x GONE, 3 x TRK; total $79.84 → $39.02.")
    status = order.events.filter(kind="status_changed").latest("pk")
    assert (status.data["before"], status.data["after"]) == ("partially_shipped", "shipped")


def test_cancelling_the_remaining_items_twice_restocks_once(order):
    order_cancel_remaining(order=order, reason="Discontinued")
    with pytest.raises(OrderRefused, match="is shipped: only a partially shipped order"):
        order_cancel_remaining(order=order, reason="Again")
    assert stock() == {"TRK": 18, "SVC": 0, "GONE": 20}
    assert order.events.filter(kind="remaining_cancelled").count() == 1


@pytest.mark.parametrize("status", ["placed", "processing", "shipped", "completed", "cancelled"])
def test_only_a_partially_shipped_order_has_remaining_items_to_cancel(order, status):
    Order.objects.filter(pk=order.pk).update(status=status)

    with pytest.raises(OrderRefused, match="only a partially shipped order has remaining items to cancel"):
        order_cancel_remaining(order=order, reason="Discontinued")

    assert stock() == {"TRK": 15, "SVC": 0, "GONE": 17}
    assert Order.objects.get().total == Decimal("79.84") and len(lines(order)) == 3


def test_a_reason_is_needed(order):
    with pytest.raises(OrderRefused, match="Say why the remaining items are cancelled"):
        order_cancel_remaining(order=order, reason="  ")
    assert Order.objects.get().status == "partially_shipped" and stock()["TRK"] == 15


def test_a_new_total_below_what_is_credited_is_refused(order):
    credit_memo_issue(order=order, amount=Decimal("50.00"), reason="Damaged in transit")

    with pytest.raises(OrderRefused, match=r"more than its new total of \$39.02"):
        order_cancel_remaining(order=order, reason="Discontinued")

    order.refresh_from_db()
    assert (order.status, order.total) == ("partially_shipped", Decimal("79.84"))
    assert stock() == {"TRK": 15, "SVC": 0, "GONE": 17} and len(lines(order)) == 3
