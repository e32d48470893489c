"""Orders through the API: placing (idempotent on the Idempotency-Key), reading, the list, and the order page's
actions through their services, each on the timeline with the token's name."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from oms.accounts.roles import ORDER_ENTRY
from orders.fulfilment.models import Carrier
from orders.models import Order
from orders.selectors import order_timeline
from tests.factories import ProductFactory, ShippingMethodFactory, TaxRateFactory, customer_with_address

pytestmark = pytest.mark.django_db

ORDERS = reverse("api:orders")


@pytest.fixture
def world(db):
    ShippingMethodFactory()
    TaxRateFactory()
    return customer_with_address(), ProductFactory(sku="LAMP-1", stock=10)


def place(client, customer, key="order-1", **fields):
    body = {"customer": customer.pk, "lines": [{"sku": "lamp-1", "quantity": 2}]} | fields
    return client.post(ORDERS, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_placing_an_order_returns_it_with_its_lines_and_takes_the_stock(manager_api, world):
    client, _ = manager_api
    customer, lamp = world

    response = place(client, customer)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert [(line["sku"], line["quantity"]) for line in body["lines"]] == [("LAMP-1", 2)]
    assert body["billing_address"]["line1"] == customer.default_billing_address.line1
    lamp.refresh_from_db()
    assert lamp.stock == 8


def test_the_same_idempotency_key_twice_places_one_order(manager_api, world):
    client, _ = manager_api
    customer, lamp = world

    first, second = place(client, customer, key="k-1"), place(client, customer, key="k-1")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["number"] == second.json()["number"]
    assert Order.objects.count() == 1
    lamp.refresh_from_db()
    assert lamp.stock == 8


def test_another_users_same_key_is_another_order(api_client, manager_api, world):
    customer, _ = world
    clerk, _, _ = api_client(ORDER_ENTRY)

    place(manager_api[0], customer, key="same")
    response = place(clerk, customer, key="same")

    assert response.status_code == 201
    assert Order.objects.count() == 2


def test_placing_needs_an_idempotency_key(manager_api, world):
    client, _ = manager_api
    customer, _ = world
    response = client.post(ORDERS, {"customer": customer.pk, "lines": [{"sku": "LAMP-1", "quantity": 1}]},
                           content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Order.objects.exists()


def test_field_errors_name_each_line_and_field(manager_api, world):
    client, _ = manager_api
    customer, _ = world

    response = place(client, customer, lines=[{"sku": "NOPE", "quantity": 1}, {"sku": "LAMP-1", "quantity": "²"}],
                     payment_method="bitcoin")

    problem = response.json()
    assert response.status_code == 400
    assert set(problem) == {"type", "title", "status", "detail", "errors"}
    assert problem["errors"]["lines.0.sku"] == ["No product has the SKU NOPE."]
    assert problem["errors"]["lines.1.quantity"] == ["Enter a whole number, such as 1 or 12."]
    assert "payment_method" in problem["errors"]


def test_short_stock_is_refused_with_the_services_problems(manager_api, world):
    client, _ = manager_api
    customer, _ = world

    response = place(client, customer, lines=[{"sku": "LAMP-1", "quantity": 11}])

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]["problems"]
    assert not Order.objects.exists()


def test_the_order_reads_with_its_timeline_naming_the_token(manager_api, world):
    client, user = manager_api
    customer, _ = world
    number = place(client, customer).json()["number"]

    body = client.get(reverse("api:order", args=[number])).json()

    assert body["timeline"][-1]["actor_name"] == user.username
    assert body["timeline"][-1]["message"].endswith("(via API token Warehouse sync)")
    assert {"lines", "payments", "shipments", "returns"} <= set(body)


def test_hold_release_payment_shipment_and_cancel_go_through_the_services(manager_api, world):
    client, _ = manager_api
    customer, _ = world
    carrier = Carrier.objects.create(name="UPS")
    number = place(client, customer).json()["number"]
    url = lambda name: reverse(f"api:{name}", args=[number])  # noqa: E731
    post = lambda name, body: client.post(url(name), body, content_type="application/json")  # noqa: E731

    assert post("order_hold", {"reason": "Address to confirm"}).json()["on_hold"] is True
    assert post("order_shipments", {"carrier": carrier.pk, "shipped_on": str(date.today())}).status_code == 422
    assert post("order_release", {"note": "Confirmed"}).json()["on_hold"] is False
    payment = post("order_payments", {"amount": "5.00", "method": "check", "received_on": str(date.today())})
    assert payment.status_code == 201 and Decimal(payment.json()["amount"]) == Decimal("5.00")
    assert post("order_shipments", {"carrier": carrier.pk, "tracking_numbers": "1Z999",
                                    "shipped_on": str(date.today())}).status_code == 201
    refused = post("order_cancel", {"reason": "Customer asked"})

    assert refused.status_code == 422  # shipped: the service refuses, in its words
    order = Order.objects.get(number=number)
    assert (order.status, order.amount_paid) == ("shipped", Decimal("5.00"))
    messages = [entry["message"] for entry in order_timeline(order)]
    assert all(message.endswith("(via API token Warehouse sync)") for message in messages), messages


def test_cancel_needs_a_reason_and_then_cancels(manager_api, world):
    client, _ = manager_api
    customer, lamp = world
    number = place(client, customer).json()["number"]
    url = reverse("api:order_cancel", args=[number])

    missing = client.post(url, {}, content_type="application/json")
    done = client.post(url, {"reason": "Customer asked"}, content_type="application/json")

    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    lamp.refresh_from_db()
    assert lamp.stock == 10


def test_the_order_list_filters_and_pages_with_a_cursor(manager_api, world):
    client, _ = manager_api
    customer, _ = world
    numbers = [place(client, customer, key=f"k{index}").json()["number"] for index in range(3)]
    client.post(reverse("api:order_hold", args=[numbers[0]]), {"reason": "Check"}, content_type="application/json")

    held = client.get(ORDERS, {"status": "on_hold"}).json()
    first = client.get(ORDERS).json()
    bad = client.get(ORDERS, {"date_from": "²"})

    assert [row["number"] for row in held["results"]] == [numbers[0]]
    assert first["results"][0]["number"] == numbers[-1]
    assert bad.status_code == 400 and "date_from" in bad.json()["errors"]


def test_an_order_that_does_not_exist_is_a_404_problem(manager_api):
    client, _ = manager_api
    response = client.get(reverse("api:order", args=[2**62]))
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_the_tokens_name_ends_with_its_request(manager_api, world):
    from oms.core.via import current_via

    client, _ = manager_api
    customer, _ = world
    place(client, customer)
    client.get(reverse("api:schema"))

    assert current_via() == ""  # the next request on this thread (a page, say) is not "via API token"


def edit(client, number, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.patch(reverse("api:order", args=[number]), body, content_type="application/json", **headers)


def test_editing_changes_the_lines_moves_the_stock_and_writes_the_timeline(manager_api, world):
    client, _ = manager_api
    customer, lamp = world
    ProductFactory(sku="SHADE-2", stock=5)
    placed = place(client, customer).json()

    response = edit(client, placed["number"], {"version": placed["version"],
                                               "lines": [{"sku": "LAMP-1", "quantity": 5}, {"sku": "shade-2",
                                                                                           "quantity": 1}]})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert sorted((line["sku"], line["quantity"]) for line in body["lines"]) == [("LAMP-1", 5), ("SHADE-2", 1)]
    assert body["version"] == placed["version"] + 1
    assert Decimal(body["total"]) > Decimal(placed["total"])
    lamp.refresh_from_db()
    assert lamp.stock == 5
    assert body["timeline"][0]["message"].endswith("(via API token Warehouse sync)")
    assert "LAMP-1" in body["timeline"][0]["message"]


def test_an_edit_of_an_old_version_is_refused_with_409_and_changes_nothing(manager_api, world):
    client, _ = manager_api
    customer, lamp = world
    placed = place(client, customer).json()
    edit(client, placed["number"], {"version": placed["version"], "lines": [{"sku": "LAMP-1", "quantity": 3}]})

    stale = edit(client, placed["number"], {"version": placed["version"], "lines": [{"sku": "LAMP-1", "quantity": 9}]})

    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    lamp.refresh_from_db()
    assert lamp.stock == 7


def test_the_same_edit_sent_twice_is_saved_once(manager_api, world):
    client, _ = manager_api
    customer, lamp = world
    placed = place(client, customer).json()
    body = {"version": placed["version"], "lines": [{"sku": "LAMP-1", "quantity": 4}]}

    first, again = edit(client, placed["number"], body, key="e-1"), edit(client, placed["number"], body, key="e-1")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["version"] == first.json()["version"]
    lamp.refresh_from_db()
    assert lamp.stock == 6


def test_an_edit_keeps_what_it_does_not_send_and_checks_what_it_does(manager_api, world):
    client, _ = manager_api
    customer, lamp = world
    placed = place(client, customer).json()
    number = placed["number"]

    bad = edit(client, number, {"version": "²", "lines": [{"sku": "NOPE", "quantity": 0}], "shipping_method": 999,
                                "billing_address": "somewhere"})
    moved = edit(client, number, {"version": placed["version"],
                                  "shipping_address": {"line1": "9 Quay Street", "city": "Cork",
                                                       "postal_code": "T12", "country": "IE"}})

    assert bad.status_code == 400
    assert {"version", "lines.0.quantity", "shipping_method", "billing_address"} <= set(bad.json()["errors"])
    assert moved.status_code == 200, moved.json()
    order = moved.json()
    assert order["shipping_address"]["line1"] == "9 Quay Street"
    assert order["billing_address"] == placed["billing_address"]
    assert [(line["sku"], line["quantity"]) for line in order["lines"]] == [("LAMP-1", 2)]
    lamp.refresh_from_db()
    assert lamp.stock == 8


def test_short_stock_refuses_an_edit_in_the_services_words(manager_api, world):
    client, _ = manager_api
    customer, lamp = world
    placed = place(client, customer).json()

    response = edit(client, placed["number"], {"version": placed["version"], "lines": [{"sku": "LAMP-1",
                                                                                        "quantity": 50}]})

    assert response.status_code == 422
    assert "in stock" in " ".join(response.json()["errors"]["problems"])
    lamp.refresh_from_db()
    assert lamp.stock == 8


def test_an_edit_keeps_the_orders_custom_items_and_may_leave_it_only_those(manager_api, world):
    from orders.models import OrderLine

    client, _ = manager_api
    customer, lamp = world
    placed = place(client, customer).json()
    order = Order.objects.get(number=placed["number"])
    OrderLine.objects.create(order=order, product=None, is_custom=True, sku="", name="Engraving",
                             unit_price=Decimal("5.00"), quantity=1, line_total=Decimal("5.00"))

    moved = edit(client, order.number, {"version": order.version, "shipping_address": {
        "line1": "9 Quay Street", "city": "Cork", "postal_code": "T12", "country": "IE"}})
    only_custom = edit(client, order.number, {"version": moved.json()["version"], "lines": []})

    assert moved.status_code == 200, moved.json()
    assert sorted(line["name"] for line in moved.json()["lines"])[0] == "Engraving"
    assert only_custom.status_code == 200, only_custom.json()
    assert [line["name"] for line in only_custom.json()["lines"]] == ["Engraving"]
    lamp.refresh_from_db()
    assert lamp.stock == 10
