"""Ids typed or forged into requests are parsed by one field; NUL bytes never reach a query."""

import pytest
from django.urls import reverse

from oms.core.forms import parse_id
from orders.ordering.stores import Cart
from tests.factories import CustomerFactory, ProductFactory, customer_with_address
from tests.helpers import add, checkout_form


@pytest.mark.parametrize(
    ("text", "expected"),
    [("42", 42), (" 7 ", 7), (42, 42), ("²", None), ("٣", None), ("4" * 5000, None), ("0", None), ("-1", None),
     ("9223372036854775808", None), ("1e3", None), ("\x00", None), ("", None), (None, None)],
)
def test_ids_are_ascii_digits_within_a_bigint(text, expected):
    assert parse_id(text) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["²", "4" * 5000, "12\x00", "-3", "99999999999999999999"])
def test_new_order_for_a_forged_customer_id_is_refused_without_a_cart(staff_client, forged):
    response = staff_client.post(reverse("orders:new"), {"customer_id": forged}, follow=True)
    assert response.status_code == 200
    assert b"That customer no longer exists." in response.content
    assert Cart.all(staff_client.session) == []


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["²", "4" * 5000, "\x00"])
def test_attaching_a_forged_customer_id_attaches_nobody(staff_client, new_cart, forged):
    cart_id = new_cart()
    response = staff_client.post(reverse("orders:attach", args=[cart_id]), {"customer_id": forged}, follow=True)
    assert response.status_code == 200
    assert b"That customer no longer exists; search again." in response.content
    assert Cart.get(staff_client.session, cart_id).customer_id is None


@pytest.mark.django_db
def test_a_forged_shipping_method_is_a_form_error_that_places_nothing(staff_client, checkout_setup, new_cart):
    ProductFactory(sku="SHIP-1")
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "SHIP-1")
    data = checkout_form(staff_client, cart_id, shipping_method="²")
    response = staff_client.post(reverse("orders:checkout", args=[cart_id]), data)
    assert response.status_code == 200
    assert b"That shipping method is no longer offered; choose another." in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["customers:list", "catalog:list", "orders:list", "admin:customers_customer_changelist"]
)
def test_a_nul_byte_in_a_search_is_dropped_not_a_500(admin_client, url_name):
    CustomerFactory(last_name="Nulton")
    response = admin_client.get(reverse(url_name), {"q": "Nul\x00ton"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_nul_byte_in_the_type_ahead_is_dropped(staff_client, new_cart):
    ProductFactory(sku="NUL-SKU", name="Nullable widget")
    cart_id = new_cart()
    response = staff_client.get(reverse("orders:cart_products", args=[cart_id]), {"query": "NUL-\x00SKU"})
    assert response.status_code == 200
    assert b"NUL-SKU" in response.content
