"""Two staff shipping the same lines, or paying the same balance, at once: PostgreSQL sessions in threads."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.fulfilment.models import Carrier, Shipment
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.payments.models import Payment
from orders.payments.services import payment_record
from tests.factories import OrderFactory, ProductFactory, ShippingMethodFactory
from tests.helpers import postgres_only, run_concurrently

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_staff_shipping_the_same_lines_at_once_never_ship_more_than_ordered():
    order = OrderFactory(lines=[(ProductFactory(), 3), (ProductFactory(), 2)], shipping=ShippingMethodFactory())
    carrier = Carrier.objects.create(name="UPS")

    def ship_everything():
        request = ShipmentRequest(carrier=carrier, tracking_numbers=[], shipped_on=timezone.localdate())
        return shipment_record(order=Order.objects.get(pk=order.pk), request=request)

    results = run_concurrently(ship_everything, times=4)

    assert sum(isinstance(result, Shipment) for result in results) == 1
    assert all(isinstance(result, (Shipment, OrderRefused)) for result in results), results
    assert [line.quantity_shipped for line in OrderLine.objects.order_by("pk")] == [3, 2]
    assert Order.objects.get().status == "shipped"


def test_recording_a_shipment_locks_the_order_row_first():
    order = OrderFactory(shipping=ShippingMethodFactory())
    carrier = Carrier.objects.create(name="UPS")
    request = ShipmentRequest(carrier=carrier, tracking_numbers=[], shipped_on=timezone.localdate())
    with CaptureQueriesContext(connection) as captured:
        shipment_record(order=order, request=request)
    first_read = next(query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT"))
    assert '"orders_order"' in first_read and first_read.endswith("FOR UPDATE")


def test_two_payments_of_the_whole_balance_at_once_record_one():
    order = OrderFactory(shipping=ShippingMethodFactory())

    def pay_all():
        return payment_record(order=Order.objects.get(pk=order.pk), amount=order.total, method="check",
                              received_on=timezone.localdate())

    results = run_concurrently(pay_all, times=3)

    assert sum(isinstance(result, Payment) for result in results) == 1
    order.refresh_from_db()
    assert order.amount_paid == order.total and order.payment_status == "paid"
    assert Payment.objects.count() == 1 and order.total > Decimal("0")
