"""Reorder (a new cart with the same customer and lines at today's prices) and the cart's `Last ordered`."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Product
from oms.accounts.roles import ORDER_ENTRY
from orders.ordering.selectors import last_ordered
from orders.ordering.stores import Cart
from tests.factories import OrderFactory, ProductFactory, UserFactory, customer_with_address

pytestmark = pytest.mark.django_db


def cart_of(client, response) -> Cart:
    cart_id = re.search(r"/orders/cart/([^/]+)/", response.url).group(1)
    return Cart.get(client.session, cart_id)


@pytest.fixture
def order(checkout_setup):
    customer = customer_with_address(last_name="Okafor")
    lines = [(ProductFactory(sku="KEEP", price=Decimal("5.00"), stock=50), 2),
             (ProductFactory(sku="GONE", name="Old gizmo", stock=50), 1),
             (ProductFactory(sku="LOW", name="Rare lamp", stock=10), 4)]
    return OrderFactory(customer=customer, lines=lines, shipping=checkout_setup[0])


def test_reorder_opens_a_new_cart_with_todays_prices_and_says_what_was_left_out(staff_client, order):
    Product.objects.filter(sku="KEEP").update(price=Decimal("6.50"))
    Product.objects.filter(sku="GONE").update(is_active=False)
    Product.objects.filter(sku="LOW").update(stock=1)

    response = staff_client.post(reverse("orders:reorder", args=[order.number]))

    cart = cart_of(staff_client, response)
    assert cart.customer_id == order.customer_id
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(Product.objects.get(sku="KEEP").pk, 2)]
    page = staff_client.get(response.url)
    text = page.content.decode()
    assert f"Reordering order #{order.number}: 1 line added" in text
    assert "Not added: GONE (Old gizmo): No longer sold." in text
    assert "Not added: LOW (Rare lamp): 4 ordered, only 1 in stock." in text
    assert page.context["totals"].subtotal == Decimal("13.00")  # today's price, not the order's
    assert "Price changed" not in text


def test_reorder_takes_as_many_queries_for_twenty_lines_as_for_one(staff_client, checkout_setup):
    def queries(lines: int) -> int:
        products = [(ProductFactory(stock=50), 1) for _ in range(lines)]
        order = OrderFactory(customer=customer_with_address(), lines=products, shipping=checkout_setup[0])
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.post(reverse("orders:reorder", args=[order.number])).status_code == 302
        return len(captured)

    assert queries(20) == queries(1)


def test_each_reorder_is_a_cart_of_its_own(staff_client, order):
    first = cart_of(staff_client, staff_client.post(reverse("orders:reorder", args=[order.number])))
    second = cart_of(staff_client, staff_client.post(reverse("orders:reorder", args=[order.number])))
    assert first.id != second.id and len(Cart.all(staff_client.session)) == 2


def test_the_customer_record_offers_reorder_beside_each_order(staff_client, order, client):
    page = staff_client.get(order.customer.get_absolute_url()).content.decode()
    assert f'action="{reverse("orders:reorder_chosen")}"' in page
    assert f'form="reorder" name="order" value="{order.number}"' in page
    assert f"Reorder<span class=\"visually-hidden\"> #{order.number}</span>" in page
    # Staff who may not place orders do not see it (nor on the order page)
    viewer = UserFactory(username="viewer", role="")
    viewer.user_permissions.add(*_permissions("customers.view_customer", "orders.view_order"))
    client.force_login(viewer)
    assert "Reorder" not in client.get(order.customer.get_absolute_url()).content.decode()
    assert "Reorder" not in client.get(order.get_absolute_url()).content.decode()
    assert client.post(reverse("orders:reorder", args=[order.number])).status_code == 403


def _permissions(*names):
    from django.contrib.auth.models import Permission

    return [Permission.objects.get(content_type__app_label=name.split(".")[0], codename=name.split(".")[1])
            for name in names]


@pytest.mark.parametrize("number", ["999999", "0"])
def test_reorder_of_an_unknown_order_is_not_found(staff_client, number):
    assert staff_client.post(f"/orders/{number}/reorder/").status_code == 404


def test_reorder_from_the_customer_record_takes_the_order_it_names(staff_client, order):
    response = staff_client.post(reverse("orders:reorder_chosen"), {"order": str(order.number)})
    assert response.status_code == 302 and "/cart/" in response["Location"]


@pytest.mark.parametrize("value", ["", "²", "x" * 10_000, "12\x00", "-1", "99999999999999999999999"])
def test_reorder_from_the_customer_record_of_no_such_order_is_not_found(staff_client, order, value):
    assert staff_client.post(reverse("orders:reorder_chosen"), {"order": value}).status_code == 404


def test_reorder_needs_a_post(staff_client, order):
    assert staff_client.get(reverse("orders:reorder", args=[order.number])).status_code == 405


def test_last_ordered_lists_recent_distinct_items_newest_first(checkout_setup):
    customer = customer_with_address()
    products = ProductFactory.create_batch(14, stock=100)
    OrderFactory(customer=customer, lines=[(product, 1) for product in products[:8]], shipping=checkout_setup[0])
    OrderFactory(customer=customer, lines=[(products[0], 3), (products[8], 1)], shipping=checkout_setup[0])
    newest = OrderFactory(customer=customer, lines=[(product, 2) for product in products[9:]],
                          shipping=checkout_setup[0])
    Product.objects.filter(pk=products[10].pk).update(is_active=False)
    OrderFactory(lines=[(products[1], 1)], shipping=checkout_setup[0])  # someone else's order

    found = last_ordered(customer.pk)

    skus = [item.product.sku for item in found]
    assert len(found) == 10 and len(set(skus)) == 10
    # newest order first (its lines in any order); the inactive product left out
    assert set(skus[:4]) == {products[index].sku for index in (9, 11, 12, 13)}
    assert found[0].quantity == 2 and found[0].ordered_at == newest.created_at
    assert set(skus[4:6]) == {products[0].sku, products[8].sku}
    assert next(item.quantity for item in found if item.product == products[0]) == 3  # the newest quantity


def test_last_ordered_reads_in_batches_and_stops(checkout_setup, monkeypatch):
    from orders.ordering import selectors

    monkeypatch.setattr(selectors, "LAST_ORDERED_BATCH", 3)
    customer = customer_with_address()
    product = ProductFactory(stock=1000)
    others = ProductFactory.create_batch(3, stock=100)
    OrderFactory(customer=customer, lines=[(other, 1) for other in others], shipping=checkout_setup[0])
    for _ in range(4):  # the same product over and over, then the older ones
        OrderFactory(customer=customer, lines=[(product, 1)], shipping=checkout_setup[0])

    with CaptureQueriesContext(connection) as captured:
        found = last_ordered(customer.pk)

    assert found[0].product == product and {item.product for item in found[1:]} == set(others)
    # batches end on whole orders: [5, 4], [3, 2], the 3-line order, an empty one; then the products
    assert len(captured) == 5


def test_the_cart_shows_last_ordered_with_add_buttons_that_add_one(staff_client, new_cart, checkout_setup):
    customer = customer_with_address()
    lamp = ProductFactory(sku="LMP-004", stock=20)
    OrderFactory(customer=customer, lines=[(lamp, 3)], shipping=checkout_setup[0])
    cart_id = new_cart(customer)

    page = staff_client.get(reverse("orders:cart", args=[cart_id])).content.decode()
    assert "Last ordered" in page and ">Add LMP-004</button>" in page

    staff_client.post(reverse("orders:cart_add", args=[cart_id]),
                      {"query": "LMP-004", "quantity": "1", "product_id": str(lamp.pk)})
    assert Cart.get(staff_client.session, cart_id).quantity_of(lamp.pk) == 1


def test_a_cart_without_a_customer_has_no_last_ordered(staff_client, new_cart, checkout_setup):
    OrderFactory(shipping=checkout_setup[0])
    assert "Last ordered" not in staff_client.get(reverse("orders:cart", args=[new_cart()])).content.decode()


def test_an_order_entry_clerk_may_reorder(client, order):
    clerk = UserFactory(username="clerk", role=ORDER_ENTRY)
    client.force_login(clerk)
    assert client.post(reverse("orders:reorder", args=[order.number])).status_code == 302
