"""A customer's data: an Administrator exports everything held about a customer as JSON, and erases a
customer with no order under way (their orders keep their money, with the name replaced). Both are in the
audit trail; others see no control and are refused with 403, changing nothing."""

import json
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from customers.services import customer_update
from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY
from orders.events import describe
from orders.fulfilment import ShipmentRequest, shipment_record
from orders.models import Order
from orders.models_fulfilment import Carrier
from orders.services import order_cancel, order_email_change, order_note_add, order_status_change
from tests.factories import OrderFactory, ProductFactory, customer_with_address
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    customer = customer_with_address(first_name="Rosa", last_name="Delgado", email="rosa@example.com",
                                     phone="555-0142", company="Cedar Lane Cafe")
    customer_update(customer=customer, changes={"notes": "Prefers calls after 3pm"})
    return customer


def finished_order(customer, *, cancel=False):
    product = ProductFactory(sku=f"LMP-{Order.objects.count() + 1}", price=Decimal("39.00"))
    order = OrderFactory(customer=customer, lines=[(product, 2)])
    if cancel:
        order_cancel(order=order, reason="Changed their mind")
    else:  # shipped the way staff ship (a shipment of every line), then completed
        order_status_change(order=order, status=Order.Status.PROCESSING)
        carrier = Carrier.objects.get_or_create(name="UPS")[0]
        shipment_record(order=order, request=ShipmentRequest(carrier=carrier, tracking_numbers=["1Z999"],
                                                             shipped_on=timezone.localdate()))
        order_status_change(order=Order.objects.get(pk=order.pk), status=Order.Status.COMPLETED)
    return Order.objects.get(pk=order.pk)


def test_an_administrator_exports_everything_held_about_a_customer(customer):
    order = finished_order(customer)
    order_note_add(order=order, text="Left at the back door", visible_to_customer=False)
    client, administrator = logged_in(ADMINISTRATOR)

    response = client.post(reverse("orders:customer_export", args=[customer.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="customer-{customer.number}.json"'
    data = json.loads(response.content)
    assert data["customer"]["email"] == "rosa@example.com" and data["customer"]["notes"] == "Prefers calls after 3pm"
    assert [address["line1"] for address in data["addresses"]] == [customer.default_billing_address.line1]
    [exported] = data["orders"]
    assert exported["number"] == order.number and exported["total"] == str(order.total)
    assert [(line["sku"], line["quantity"]) for line in exported["lines"]] == [("LMP-1", 2)]
    assert "Left at the back door" in [event["data"].get("text") for event in exported["events"]]
    assert "Staff note: Left at the back door" in [event["message"] for event in exported["events"]]  # as shown
    entry = LogEntry.objects.get_for_object(customer).latest("pk")
    assert (entry.action, entry.actor, entry.changes_dict) == (LogEntry.Action.ACCESS, administrator,
                                                              {"data": ["", "exported"]})


def test_an_administrator_erases_a_customer_whose_orders_are_finished(customer):
    completed, cancelled = finished_order(customer), finished_order(customer, cancel=True)
    order_email_change(order=completed, email="rosa.d@example.com")
    totals = {order.pk: (order.total, order.subtotal, order.tax) for order in (completed, cancelled)}
    client, administrator = logged_in(ADMINISTRATOR)
    assert client.get(reverse("orders:customer_erase", args=[customer.pk])).status_code == 200

    response = client.post(reverse("orders:customer_erase", args=[customer.pk]))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.email, customer.phone, customer.company, customer.notes) == (
        f"Erased customer {customer.number}", "", "", "", "")
    address = customer.addresses.get()
    assert (address.name, address.line1, address.city, address.phone) == (customer.name, "[erased]", "[erased]", "")
    for order in Order.objects.filter(customer=customer).prefetch_related("lines", "events"):
        assert (order.total, order.subtotal, order.tax) == totals[order.pk]
        assert (order.customer_name, order.customer_email) == (customer.name, "")
        assert order.billing_address["line1"] == "[erased]" and order.billing_address["country"] == "US"
        assert [line.quantity for line in order.lines.all()] == [2]
        timeline = json.dumps([(event.message, event.data, describe(event)) for event in order.events.all()])
        assert "rosa" not in timeline.lower() and "Delgado" not in timeline


def test_erasing_leaves_nothing_personal_in_the_audit_trail_and_records_who_erased(customer):
    finished_order(customer)
    client, administrator = logged_in(ADMINISTRATOR)
    client.post(reverse("orders:customer_erase", args=[customer.pk]))

    entries = LogEntry.objects.filter(object_repr__icontains="Delgado") | LogEntry.objects.filter(
        changes_text__icontains="rosa")
    assert not entries.exists()
    assert not any("Delgado" in json.dumps(entry.changes) or "rosa@" in json.dumps(entry.changes)
                   for entry in LogEntry.objects.all())
    erased = LogEntry.objects.get_for_object(customer).latest("pk")
    assert erased.actor == administrator and erased.changes_dict == {"personal data": ["[erased]", "erased"]}
    # the earlier entries still say who changed which field, when
    assert LogEntry.objects.get_for_object(customer).filter(changes__has_key="notes").exists()


def test_a_customer_with_an_order_under_way_is_not_erased(customer):
    open_order = OrderFactory(customer=customer)
    client, _ = logged_in(ADMINISTRATOR)

    page = client.get(reverse("orders:customer_erase", args=[customer.pk]))
    assert f"#{open_order.number}" in page.content.decode()
    assert "Erase customer</button>" not in page.content.decode()
    response = client.post(reverse("orders:customer_erase", args=[customer.pk]), follow=True)

    assert "orders still under way" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "rosa@example.com"
    assert Order.objects.get(pk=open_order.pk).customer_name == "Rosa Delgado"


def test_a_customer_whose_order_is_partially_shipped_is_not_erased(customer):
    # given an order half shipped: the rest still goes out to this customer's address
    product = ProductFactory(sku="LMP-9", price=Decimal("39.00"))
    order = OrderFactory(customer=customer, lines=[(product, 2)])
    shipment_record(order=order, request=ShipmentRequest(
        carrier=Carrier.objects.get_or_create(name="UPS")[0], tracking_numbers=["1Z999"],
        shipped_on=timezone.localdate(), quantities={order.lines.get().pk: 1}))
    assert Order.objects.get(pk=order.pk).status == Order.Status.PARTIALLY_SHIPPED
    client, _ = logged_in(ADMINISTRATOR)

    # when an Administrator asks to erase the customer
    page = client.get(reverse("orders:customer_erase", args=[customer.pk])).content.decode()
    response = client.post(reverse("orders:customer_erase", args=[customer.pk]), follow=True)

    # then the order is named as under way and nothing is erased
    assert f"#{order.number}" in page and "Erase customer</button>" not in page
    assert f"orders still under way (#{order.number})" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "rosa@example.com"
    assert Order.objects.get(pk=order.pk).shipping_address["line1"] != "[erased]"


@pytest.mark.parametrize("role", [ORDER_ENTRY, MANAGER])
def test_others_see_no_customer_data_controls_and_a_forged_request_changes_nothing(customer, role):
    finished_order(customer)
    client, _ = logged_in(role)
    entries = LogEntry.objects.count()

    record = client.get(customer.get_absolute_url()).content.decode()
    assert "Export data" not in record and "Erase customer" not in record
    assert client.post(reverse("orders:customer_export", args=[customer.pk])).status_code == 403
    assert client.post(reverse("orders:customer_erase", args=[customer.pk])).status_code == 403

    customer.refresh_from_db()
    assert customer.email == "rosa@example.com" and LogEntry.objects.count() == entries


def test_administrators_see_the_customer_data_controls(customer):
    client, _ = logged_in(ADMINISTRATOR)
    record = client.get(customer.get_absolute_url()).content.decode()
    assert "Export data</button>" in record and "Erase customer</a>" in record
