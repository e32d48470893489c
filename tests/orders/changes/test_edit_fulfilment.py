"""Editing an order (issue 10) meets payments and shipments (issue 11): goods that have left stay as they are,
and the payment status, the balance and the dashboard's summary follow the edited total."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.changes.editing import OrderChange, order_edit_save
from orders.events import describe
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.payments.services import payment_record
from orders.payments.terms import balance_due
from orders.reporting.sales import sales_rebuild
from tests.factories import OrderFactory, ProductFactory
from tests.helpers import sales_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(checkout_setup):
    """3 x KEEP at 10.00 and 2 x MORE at 4.00; ground 5.00, 8% tax: 38.00 + 5.00 + 3.04 = 46.04."""
    keep = ProductFactory(sku="KEEP", price=Decimal("10.00"), stock=10)
    more = ProductFactory(sku="MORE", price=Decimal("4.00"), stock=10)
    return OrderFactory(lines=[(keep, 3), (more, 2)], shipping=checkout_setup[0])


def change(order, quantities: dict[str, int], token: str = "edit-1") -> OrderChange:
    ids = {line.sku: line.product_id for line in order.lines.all()}
    return OrderChange(version=Order.objects.get(pk=order.pk).version, token=token,
                       quantities={ids[sku]: quantity for sku, quantity in quantities.items()})


def ship_keep(order, quantity: int):
    carrier = Carrier.objects.create(name="UPS")
    line = order.lines.get(sku="KEEP")
    shipment_record(order=order, request=ShipmentRequest(carrier=carrier, tracking_numbers=["1Z999"],
                                                          shipped_on=timezone.localdate(),
                                                          quantities={line.pk: quantity}))


def test_a_partly_shipped_order_cannot_be_edited_and_says_why(order):
    ship_keep(order, 1)
    with pytest.raises(OrderRefused, match="partially shipped: only placed or processing orders can be edited. "
                                           "Once anything has shipped"):
        order_edit_save(order=order, change=change(order, {"KEEP": 3, "MORE": 5}))
    assert Order.objects.get().total == Decimal("46.04")
    assert order.lines.get(sku="MORE").quantity == 2


def test_the_order_page_offers_no_edit_once_shipped_and_a_forged_start_is_refused(staff_client, order):
    assert b"Edit order" in staff_client.get(order.get_absolute_url()).content
    ship_keep(order, 1)
    assert b"Edit order" not in staff_client.get(order.get_absolute_url()).content
    response = staff_client.post(reverse("orders:edit_start", args=[order.number]), follow=True)
    assert "Once anything has shipped the order&#x27;s lines stay as they are." in response.content.decode()
    assert Order.objects.get().version == 1


@pytest.mark.parametrize(("quantities", "message"), [
    ({"KEEP": 1, "MORE": 2}, "KEEP: 2 already shipped; the quantity cannot be less than that."),
    ({"MORE": 2}, "KEEP: 2 already shipped; it cannot be removed."),
])
def test_the_service_never_takes_a_line_below_what_has_shipped(order, quantities, message):
    # Whatever the status says (an order moved back by hand, or data from before shipments): the lines decide.
    OrderLine.objects.filter(order=order, sku="KEEP").update(quantity_shipped=2)
    with pytest.raises(OrderRefused, match=message):
        order_edit_save(order=order, change=change(order, quantities))
    assert order.lines.get(sku="KEEP").quantity == 3 and Order.objects.get().version == 1


def test_raising_the_total_of_a_paid_order_leaves_a_balance_due(staff_client, order):
    payment_record(order=order, amount=Decimal("46.04"), method="check", received_on=timezone.localdate())
    assert Order.objects.get().payment_status == "paid"

    order_edit_save(order=order, change=change(order, {"KEEP": 4, "MORE": 2}))  # +10.00 +0.80 tax

    current = Order.objects.get()
    assert (current.total, current.payment_status, balance_due(current)) == (
        Decimal("56.84"), "partially_paid", Decimal("10.80"))
    assert "now partially paid (was paid)" in describe(current.events.get(kind="edited"))
    page = staff_client.get(current.get_absolute_url()).content.decode()
    assert "Partially paid" in page and "$10.80" in page


def test_lowering_the_total_below_what_was_paid_makes_it_overpaid(order):
    payment_record(order=order, amount=Decimal("46.04"), method="check", received_on=timezone.localdate())
    order_edit_save(order=order, change=change(order, {"KEEP": 3}))  # 30.00 + 5.00 + 2.40 = 37.40
    current = Order.objects.get()
    assert (current.payment_status, balance_due(current)) == ("overpaid", Decimal("-8.64"))


def test_an_unpaid_order_stays_unpaid_and_the_dashboard_summary_follows_the_edit(order):
    order_edit_save(order=order, change=change(order, {"KEEP": 5}))
    assert Order.objects.get().payment_status == "unpaid"
    kept = sales_summary()
    sales_rebuild()
    rebuilt = sales_summary()
    assert kept[0] == rebuilt[0]  # one order, at its new total
    assert [row for row in kept[1] if row[2]] == rebuilt[1]  # MORE's row left at zero


def test_an_edit_moves_the_dashboard_summary_by_what_changed_writing_each_changed_row_once(order):
    new = ProductFactory(sku="NEW", price=Decimal("7.00"), stock=10)
    keep = order.lines.get(sku="KEEP").product_id
    edit = OrderChange(version=order.version, token="edit-2", quantities={keep: 3, new.pk: 1})  # MORE removed

    with CaptureQueriesContext(connection) as captured:
        order_edit_save(order=order, change=edit)

    summary_writes = [query["sql"] for query in captured.captured_queries if "productsales" in query["sql"]
                      or "_dailysales" in query["sql"]]
    # The order's day (its total moved), then MORE and NEW in their day's and their month's rows; KEEP did not
    # change. One statement per table on SQLite; one in all on PostgreSQL, the day's row first (in a WITH clause).
    assert len(summary_writes) == (1 if connection.vendor == "postgresql" else 3)
    written = " ".join(summary_writes)
    products = written[written.index("dailyproductsales"):written.index("monthlyproductsales")]
    months = written[written.index("monthlyproductsales"):]
    assert "dailysales" in summary_writes[0] and products.count("), (") + 1 == 2 == months.count("), (") + 1
    kept = sales_summary()
    sales_rebuild()
    assert kept[0] == sales_summary()[0]
    assert [row for row in kept[1] if row[2]] == sales_summary()[1]  # MORE's row left at zero
    assert [row for row in kept[2] if row[2]] == [row for row in sales_summary()[2] if row[2]]
