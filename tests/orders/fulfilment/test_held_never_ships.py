"""A held order is never shipped, whichever path tries: the service refuses it with its sentence, and under it the
database's trigger (orders/migrations/0018) refuses a shipment row written any other way, on both databases."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from orders.changes.services import order_hold, order_hold_release
from orders.fulfilment.models import Carrier, Shipment
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order
from tests.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def carrier(db):
    return Carrier.objects.create(name="UPS")


@pytest.fixture
def held(checkout_setup):
    order = OrderFactory(lines=[(ProductFactory(sku="AAA"), 2)], shipping=checkout_setup[0])
    return order_hold(order=order, reason="Fraud check")


def test_the_database_refuses_a_shipment_row_for_a_held_order(held, carrier):
    with pytest.raises(IntegrityError, match="A held order is never shipped"), transaction.atomic():
        Shipment.objects.create(order=held, carrier=carrier, shipped_on=timezone.localdate())
    assert not Shipment.objects.exists()


def test_a_raw_insert_is_refused_too_and_a_released_order_ships(held, carrier):
    insert = ("INSERT INTO orders_shipment (order_id, carrier_id, tracking_numbers, shipped_on, created_at, "
              "email_to, email_state, email_error) VALUES (%s, %s, '[]', %s, %s, '', 'not_requested', '')")
    values = (held.number, carrier.pk, timezone.localdate(), timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, values)
    assert not Shipment.objects.exists()

    order_hold_release(order=held)
    with connection.cursor() as cursor:
        cursor.execute(insert, values)
    assert Shipment.objects.filter(order=held).count() == 1


def test_the_service_refuses_first_with_its_own_sentence_even_from_a_stale_order(held, carrier):
    stale = Order.objects.get(pk=held.pk)
    stale.on_hold = False  # read before the hold: the service locks the row and reads it again

    with pytest.raises(OrderRefused, match=r"is on hold \(Fraud check\): release the hold before shipping"):
        shipment_record(order=stale, request=ShipmentRequest(carrier=carrier, tracking_numbers=[],
                                                             shipped_on=timezone.localdate()))
    assert not Shipment.objects.exists()


def test_mark_shipped_on_a_held_order_says_why_and_records_nothing(staff_client, held, carrier):
    line = held.lines.get()
    response = staff_client.post(reverse("orders:shipment_new", args=[held.number]), follow=True, data={
        "carrier": carrier.pk, "tracking_numbers": "", "shipped_on": timezone.localdate().isoformat(),
        "token": "6f1c1f2e-8f0a-4a43-9d55-2b1f0f0f0f0f", f"line_{line.pk}": "2"})

    page = response.content.decode()
    assert f"Order #{held.number} is on hold (Fraud check): release the hold before shipping." in page
    assert "Mark shipped" not in page
    assert not Shipment.objects.exists() and Order.objects.get().status == "placed"
