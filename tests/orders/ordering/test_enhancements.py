"""htmx requests get a named partial of the same page; other requests get the whole page."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ProductFactory, customer_with_address
from tests.helpers import add

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("query", ["desk", "lamp"])  # name prefixes fill the list; only words inside names do
def test_product_type_ahead_answers_in_one_query_whichever_branches_it_reads(staff_client, new_cart,
                                                                            django_assert_num_queries, query):
    ProductFactory.create_batch(30, name="Desk lamp")
    cart_id = new_cart()
    staff_client.get(reverse("orders:cart", args=[cart_id]))  # warm the session
    with django_assert_num_queries(6):  # session, user, authenticator, permissions (2), the products in their places
        response = staff_client.get(reverse("orders:cart_products", args=[cart_id]), {"query": query}, **HTMX)
    assert response.status_code == 200
    assert response.content.count(b'name="product_id"') == 10
    assert b"<html" not in response.content


def test_product_type_ahead_ignores_one_letter(staff_client, new_cart):
    ProductFactory(name="Anvil")
    cart_id = new_cart()
    response = staff_client.get(reverse("orders:cart_products", args=[cart_id]), {"query": "a"}, **HTMX)
    assert b"product_id" not in response.content


def test_cart_changes_in_place_return_only_the_cart_body(staff_client, new_cart):
    ProductFactory(sku="HX-1")
    cart_id = new_cart(customer_with_address())
    response = staff_client.post(reverse("orders:cart_add", args=[cart_id]), {"query": "HX-1", "quantity": 2},
                                 follow=True, HTTP_HX_TARGET="lines-body", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="lines-body"')
    assert "HX-1" in html and "Added 2" in html
    assert "<h1" not in html
    assert "HX-Request" in response["Vary"]
    full = staff_client.get(reverse("orders:cart", args=[cart_id]))
    assert b"<h1" in full.content


def test_history_restore_gets_the_whole_page(staff_client, new_cart):
    cart_id = new_cart()
    response = staff_client.get(reverse("orders:cart", args=[cart_id]), HTTP_HX_TARGET="lines-body",
                                HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert b"<h1" in response.content


def test_identify_type_ahead_with_no_match_refreshes_the_prefilled_new_customer_form(staff_client, new_cart):
    cart_id = new_cart()
    response = staff_client.get(reverse("orders:identify", args=[cart_id]), {"last_name": "Nobodyhere"},
                                HTTP_HX_TARGET="identify-results", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="identify-results"')
    assert 'data-hx-swap-oob="true"' in html and 'value="Nobodyhere"' in html


def test_a_placed_cart_url_leads_to_its_order(staff_client, checkout_setup, new_cart):
    from tests.helpers import checkout_form

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


def test_htmx_is_configured_to_write_no_inline_style(staff_client):
    from selectolax.lexbor import LexborHTMLParser

    page = LexborHTMLParser(staff_client.get(reverse("orders:list")).content.decode())
    config = json.loads(page.css_first('meta[name="htmx-config"]').attributes["content"])
    assert config["includeIndicatorStyles"] is False  # no <style> element of its own
    assert "style" not in config["attributesToSettle"]  # no style attribute copied while settling a swap


@pytest.mark.parametrize("lines", [1, 50])
def test_cart_and_checkout_queries_do_not_grow_with_lines(staff_client, checkout_setup, new_cart,
                                                          django_assert_max_num_queries, lines):
    from orders.ordering.stores import Cart

    cart_id = new_cart(customer_with_address(credit_limit=Decimal("5000.00")))  # the panel reads their credit
    session = staff_client.session
    cart = Cart.get(session, cart_id)
    for product in ProductFactory.create_batch(lines):
        cart.add(product, 2)
    session.save()
    # session, user, device, permissions (2), products, customer, last lines, credit (order_customer_exposure)
    with django_assert_max_num_queries(9):
        assert staff_client.get(reverse("orders:cart", args=[cart_id])).status_code == 200
    with django_assert_max_num_queries(13):  # the same, plus shipping methods and the tax rate
        response = staff_client.get(reverse("orders:checkout", args=[cart_id]))
    assert response.status_code == 200
    assert len(response.context["review"].lines) == lines


def test_a_message_shows_once_on_the_whole_cart_page(staff_client, new_cart):
    ProductFactory(sku="ONCE-1")
    cart_id = new_cart(customer_with_address())
    response = add(staff_client, cart_id, "ONCE-1", 2)
    html = staff_client.get(response.url).content.decode()
    assert html.count("Added 2 × ONCE-1") == 1
    assert html.count('class="messages"') == 1


def test_a_message_shows_once_in_the_cart_body_swapped_in_place(staff_client, new_cart):
    ProductFactory(sku="ONCE-2")
    cart_id = new_cart(customer_with_address())
    response = staff_client.post(reverse("orders:cart_add", args=[cart_id]), {"query": "ONCE-2", "quantity": 3},
                                 follow=True, HTTP_HX_TARGET="lines-body", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="lines-body"')
    assert html.count("Added 3 × ONCE-2") == 1


def test_a_message_after_identify_shows_once_on_the_cart(staff_client, new_cart):
    customer = customer_with_address(first_name="Una", last_name="Once")
    cart_id = new_cart()
    response = staff_client.post(reverse("orders:attach", args=[cart_id]), {"customer_id": customer.pk}, follow=True)
    assert response.content.decode().count("Una Once is attached to this order.") == 1


def test_pages_without_an_in_place_body_still_show_messages(staff_client, new_cart):
    cart_id = new_cart()
    response = staff_client.post(reverse("orders:attach", args=[cart_id]), {"customer_id": "999999"}, follow=True)
    assert response.content.decode().count("That customer no longer exists") == 1


def test_a_lines_quantity_input_is_what_its_form_draws(staff_client, new_cart):
    from selectolax.lexbor import LexborHTMLParser

    from orders.ordering.forms import LineQuantityForm

    product = ProductFactory(sku="Q-7")
    cart_id = new_cart()
    add(staff_client, cart_id, "Q-7", 3)
    page = LexborHTMLParser(staff_client.get(reverse("orders:cart", args=[cart_id])).content.decode())
    drawn = page.css_first(f"#line-{product.pk}-quantity").attributes
    form = LineQuantityForm(initial={"quantity": 3}, auto_id=f"line-{product.pk}-%s")
    expected = LexborHTMLParser(str(form["quantity"])).css_first("input").attributes
    assert {key: value for key, value in drawn.items() if key != "class"} == {
        key: value for key, value in expected.items() if key != "class"}
    assert drawn["max"] == "9999" and "qty-input" in drawn["class"]
