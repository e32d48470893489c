"""htmx requests get a named partial of the same page; other requests get the whole page."""

import pytest
from django.urls import reverse

from tests.factories import ProductFactory, customer_with_address

from .test_ordering import add

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_product_type_ahead_answers_with_one_query_per_search_branch(staff_client, new_cart,
                                                                      django_assert_num_queries):
    ProductFactory.create_batch(30, name="Desk lamp")
    cart_id = new_cart()
    staff_client.get(reverse("orders:cart", args=[cart_id]))  # warm the session
    with django_assert_num_queries(4):  # session, user, the page's ids (SKU and name prefixes), the products
        response = staff_client.get(reverse("orders:product_suggest", args=[cart_id]), {"query": "desk"}, **HTMX)
    assert response.status_code == 200
    assert response.content.count(b'name="product_id"') == 10
    assert b"<html" not in response.content


def test_product_type_ahead_ignores_one_letter(staff_client, new_cart):
    ProductFactory(name="Anvil")
    cart_id = new_cart()
    response = staff_client.get(reverse("orders:product_suggest", args=[cart_id]), {"query": "a"}, **HTMX)
    assert b"product_id" not in response.content


def test_cart_changes_in_place_return_only_the_cart_body(staff_client, new_cart):
    ProductFactory(sku="HX-1")
    cart_id = new_cart(customer_with_address())
    response = staff_client.post(reverse("orders:cart_add", args=[cart_id]), {"query": "HX-1", "quantity": 2},
                                 follow=True, HTTP_HX_TARGET="cart-body", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="cart-body"')
    assert "HX-1" in html and "Added 2" in html
    assert "<h1" not in html
    assert "HX-Request" in response["Vary"]
    full = staff_client.get(reverse("orders:cart", args=[cart_id]))
    assert b"<h1" in full.content


def test_history_restore_gets_the_whole_page(staff_client, new_cart):
    cart_id = new_cart()
    response = staff_client.get(reverse("orders:cart", args=[cart_id]), HTTP_HX_TARGET="cart-body",
                                HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert b"<h1" in response.content


def test_identify_type_ahead_with_no_match_refreshes_the_prefilled_new_customer_form(staff_client, new_cart):
    cart_id = new_cart()
    response = staff_client.get(reverse("orders:identify", args=[cart_id]), {"last_name": "Nobodyhere"},
                                HTTP_HX_TARGET="identify-results", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="identify-results"')
    assert 'hx-swap-oob="true"' in html and 'value="Nobodyhere"' in html


def test_a_placed_cart_url_leads_to_its_order(staff_client, checkout_setup, new_cart):
    from .conftest import checkout_form

    ProductFactory(sku="PL")
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "PL")
    placed = staff_client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(staff_client, cart_id))
    for url in (reverse("orders:cart", args=[cart_id]), reverse("orders:checkout", args=[cart_id])):
        response = staff_client.get(url)
        assert response.url == placed.url


def test_every_page_sends_a_strict_content_security_policy(staff_client):
    policy = staff_client.get(reverse("orders:list"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy


@pytest.mark.parametrize("lines", [1, 50])
def test_cart_and_checkout_queries_do_not_grow_with_lines(staff_client, checkout_setup, new_cart,
                                                          django_assert_max_num_queries, lines):
    from orders.cart import Cart

    cart_id = new_cart(customer_with_address())
    session = staff_client.session
    cart = Cart.get(session, cart_id)
    for product in ProductFactory.create_batch(lines):
        cart.add(product, 2)
    session.save()
    with django_assert_max_num_queries(4):  # session, user, products, customer with its addresses
        assert staff_client.get(reverse("orders:cart", args=[cart_id])).status_code == 200
    with django_assert_max_num_queries(7):  # the same, plus shipping methods and the tax rate
        response = staff_client.get(reverse("orders:checkout", args=[cart_id]))
    assert response.status_code == 200
    assert len(response.context["review"].lines) == lines
