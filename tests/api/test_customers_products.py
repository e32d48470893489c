"""Customers and products through the API: the pages' searches on keyset pages, the customer form's checks and
messages, the audit trail naming the token."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from catalog.models import StockReservation
from customers.models import Customer, CustomerType, TypePrice
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = reverse("api:customers")
NEW = {"first_name": "Pat", "last_name": "Doe", "email": "pat@example.com",
       "address": {"line1": "1 Main St", "city": "Portland", "region": "OR", "postal_code": "97201", "country": "US"}}


def test_creating_a_customer_gives_them_their_default_address(manager_api):
    client, _ = manager_api

    response = client.post(CUSTOMERS, NEW, content_type="application/json")

    assert response.status_code == 201, response.json()
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.default_billing_address.line1 == "1 Main St"
    assert response.json()["default_billing_address"]["country"] == "US"


def test_the_customer_forms_messages_come_back_by_field(manager_api):
    client, _ = manager_api

    response = client.post(CUSTOMERS, NEW | {"email": "not an email", "address": {"country": "XX"}},
                           content_type="application/json")

    errors = response.json()["errors"]
    assert response.status_code == 400
    assert errors["email"] == ["Enter a valid email address."]
    assert {"address.line1", "address.city", "address.country"} <= set(errors)
    assert not Customer.objects.exists()


def test_a_change_keeps_the_fields_not_sent_and_is_audited_with_the_token(manager_api):
    client, user = manager_api
    customer = CustomerFactory(first_name="Pat", last_name="Doe", company="Acme")

    response = client.patch(reverse("api:customer", args=[customer.pk]), {"company": "Globex"},
                            content_type="application/json")

    assert response.status_code == 200, response.json()
    customer.refresh_from_db()
    assert (customer.first_name, customer.company) == ("Pat", "Globex")
    entry = LogEntry.objects.get_for_object(customer).latest("timestamp")
    assert entry.actor == user
    assert entry.additional_data == {"via": "API token Warehouse sync"}


def test_the_customer_search_pages_with_a_next_cursor(manager_api):
    client, _ = manager_api
    for index in range(30):
        CustomerFactory(last_name=f"Smith{index:02d}")

    first = client.get(CUSTOMERS, {"q": "smith"}).json()
    second = client.get(CUSTOMERS, {"q": "smith", "after": first["next"]}).json()

    assert len(first["results"]) == 25 and first["next"]
    assert [row["last_name"] for row in second["results"]] == [f"Smith{index:02d}" for index in range(25, 30)]
    assert second["next"] == ""


def test_a_product_reads_with_free_stock_and_the_customer_types_price(manager_api):
    client, _ = manager_api
    lamp = ProductFactory(sku="LAMP-1", stock=10, price=Decimal("20.00"))
    trade = CustomerType.objects.create(name="Trade")
    TypePrice.objects.create(customer_type=trade, product=lamp, price=Decimal("15.00"))
    StockReservation.objects.create(product=lamp, quantity=3, holder="quote:1",
                                    until="2999-01-01T00:00:00Z")

    body = client.get(reverse("api:product", args=[lamp.pk]), {"price_for": trade.pk}).json()
    found = client.get(reverse("api:products"), {"q": "lamp"}).json()

    assert (body["stock"], body["free_stock"], body["price"], body["price_for"]) == (10, 7, "20.00", "15.00")
    assert [row["sku"] for row in found["results"]] == ["LAMP-1"] and found["results"][0]["price_for"] is None
