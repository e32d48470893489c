"""Paste lines through the screens: what a paste understands, on the cart; and a paste into an order being edited
applied by Save changes. The paste on both stores, in place and as whole pages: test_lines.py."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Product
from orders.events import describe
from orders.models import Order, OrderEvent
from orders.ordering.stores import MAX_QUANTITY, Cart
from tests.factories import OrderFactory, ProductFactory, customer_with_address
from tests.helpers import add, submitted_data

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lines-body"}


def paste(client, cart_id, text, **headers):
    return client.post(reverse("orders:cart_paste", args=[cart_id]), {"text": text}, follow=True, **headers)


def cart_lines(client, cart_id) -> dict[str, int]:
    cart = Cart.get(client.session, cart_id)
    skus = dict(Product.objects.values_list("pk", "sku"))
    return {skus[line.product_id]: line.quantity for line in cart.lines}


def box(response) -> str:
    """What the Paste lines box holds."""
    match = re.search(r'<textarea name="text"[^>]*>\n?(.*?)</textarea>', response.content.decode(), re.S)
    return html.unescape(match.group(1))


def refused(response) -> list[str]:
    """The reasons listed beside the box, one per refused line."""
    found = re.search(r'<div id="paste-refused".*?</div>', response.content.decode(), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", found.group(0), re.S)] if found else []


def test_mixed_lines_add_the_good_ones_and_keep_the_rest_in_the_box_with_reasons(staff_client, new_cart):
    ProductFactory(sku="AB-100", name="Anvil")
    ProductFactory(sku="CD-200", name="Crate")
    ProductFactory(sku="OLD-1", name="Old thing", is_active=False)
    cart_id = new_cart(customer_with_address())
    text = "sku,qty\nab-100,3\n  2 x CD-200  \n\nNOPE-9 1\nOLD-1 2\nAB-100 ²\nCD-200 0\nCD-200 -2\nAB-100 1.5"

    response = paste(staff_client, cart_id, text)

    assert response.redirect_chain == [(reverse("orders:cart", args=[cart_id]), 302)]
    assert cart_lines(staff_client, cart_id) == {"AB-100": 3, "CD-200": 2}
    page = response.content.decode()
    assert "Added 2 products from the paste: 3 × AB-100, 2 × CD-200." in page
    assert "6 lines not added" in page and "read as column headings and skipped" in page
    assert box(response) == "NOPE-9 1\nOLD-1 2\nAB-100 ²\nCD-200 0\nCD-200 -2\nAB-100 1.5"
    assert refused(response) == [
        "NOPE-9 1: Unknown SKU “NOPE-9”: no product has it.",
        "OLD-1 2: OLD-1 (Old thing) is no longer sold.",
        "AB-100 ²: “²” is not a quantity: write it with the digits 0-9, such as 3.",
        "CD-200 0: The quantity is 0: it must be at least 1.",
        "CD-200 -2: The quantity -2 is negative: it must be at least 1.",
        "AB-100 1.5: The quantity “1.5” is not a whole number.",
    ]
    assert re.search(r'<textarea name="text"[^>]*autofocus', page)  # the cursor goes where the fixing is
    assert 'id="id_query"' in page and not re.search(r'<input[^>]*autofocus[^>]*id="id_query"', page)
    # shown once: a reload is an empty box, and adds nothing again
    again = staff_client.get(reverse("orders:cart", args=[cart_id]))
    assert box(again) == "" and refused(again) == []
    assert cart_lines(staff_client, cart_id) == {"AB-100": 3, "CD-200": 2}


def test_duplicates_merge_with_each_other_and_with_the_lines_already_in_the_cart(staff_client, new_cart):
    ProductFactory(sku="AB-100")
    ProductFactory(sku="CD-200")
    cart_id = new_cart()
    add(staff_client, cart_id, "AB-100", 2)

    response = paste(staff_client, cart_id, "AB-100 3\nab-100\t4\n5 x CD-200\ncd-200,1")

    assert cart_lines(staff_client, cart_id) == {"AB-100": 9, "CD-200": 6}
    assert "Added 2 products from the paste: 7 × AB-100, 6 × CD-200." in response.content.decode()
    assert refused(response) == []


def test_a_line_that_would_pass_the_line_limit_is_refused_and_the_others_added(staff_client, new_cart):
    ProductFactory(sku="AB-100")
    ProductFactory(sku="CD-200")
    cart_id = new_cart()
    add(staff_client, cart_id, "AB-100", MAX_QUANTITY - 10)

    response = paste(staff_client, cart_id, "AB-100 6\nAB-100 5\nCD-200 9999\nCD-200 1\nAB-100 4")

    assert cart_lines(staff_client, cart_id) == {"AB-100": MAX_QUANTITY, "CD-200": MAX_QUANTITY}
    assert refused(response) == [
        "AB-100 5: That would make 10,000 of AB-100 (9,995 already in the order or earlier in the paste); "
        "one line holds at most 9,999.",
        "CD-200 1: That would make 10,000 of CD-200 (9,999 already in the order or earlier in the paste); "
        "one line holds at most 9,999.",
    ]
    assert box(response) == "AB-100 5\nCD-200 1"


def test_two_numbers_are_read_the_way_that_names_a_product(staff_client, new_cart):
    ProductFactory(sku="1001")
    cart_id = new_cart()
    paste(staff_client, cart_id, "5 1001\n1001 2")
    assert cart_lines(staff_client, cart_id) == {"1001": 7}


def test_two_hundred_lines_are_added_in_one_request(staff_client, new_cart):
    products = ProductFactory.create_batch(200)
    cart_id = new_cart()
    text = "\n".join(f"{product.sku}\t{index % 7 + 1}" for index, product in enumerate(products))

    response = paste(staff_client, cart_id, text)

    assert len(response.redirect_chain) == 1
    assert cart_lines(staff_client, cart_id) == {product.sku: index % 7 + 1 for index, product in enumerate(products)}
    assert "Added 200 products from the paste" in response.content.decode()


def test_two_hundred_and_one_lines_are_refused_whole_and_kept_in_the_box(staff_client, new_cart):
    products = ProductFactory.create_batch(201)
    cart_id = new_cart()
    text = "\n".join(f"{product.sku} 1" for product in products)

    response = paste(staff_client, cart_id, text + "\n\n")

    assert response.redirect_chain == []
    page = response.content.decode()
    assert "This paste has 201 lines; paste at most 200 at a time. Nothing was added." in page
    assert box(response).strip() == text
    assert cart_lines(staff_client, cart_id) == {}


@pytest.mark.parametrize("text", ["", "   \n\t\n  "])
def test_an_empty_paste_says_what_to_paste(staff_client, new_cart, text):
    cart_id = new_cart()
    response = paste(staff_client, cart_id, text)
    assert response.status_code == 400
    assert "Paste at least one line: a SKU and its quantity, such as “AB-100 3”." in response.content.decode()
    assert re.search(r'<textarea name="text"[^>]*autofocus', response.content.decode())


def test_a_nul_byte_and_a_ten_thousand_character_line_are_refused_with_a_message(staff_client, new_cart):
    ProductFactory(sku="AB-100")
    cart_id = new_cart()
    long_line = "X" * 10_000

    response = paste(staff_client, cart_id, f"AB\x00-100 3\n{long_line}\nAB-100 2")

    assert response.status_code == 200
    assert cart_lines(staff_client, cart_id) == {"AB-100": 2}
    reasons = refused(response)
    assert reasons[0] == "AB\ufffd-100 3: This line has a NUL character (shown as \ufffd): retype it."
    assert "This line is 10,000 characters long" in reasons[1]
    assert box(response) == f"AB\ufffd-100 3\n{long_line}"
    assert "\x00" not in response.content.decode()


def test_a_paste_too_long_to_read_is_refused_whole(staff_client, new_cart):
    ProductFactory(sku="AB-100")
    cart_id = new_cart()
    response = paste(staff_client, cart_id, "AB-100 1\n" + "Y\x00" * 15_000)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Paste at most 20,000 characters at a time (this has 30,009). Nothing was added." in page
    assert "\x00" not in page
    assert cart_lines(staff_client, cart_id) == {}


def test_in_place_with_htmx_the_cart_body_comes_back_with_the_cursor_in_the_sku_field(staff_client, new_cart):
    ProductFactory(sku="AB-100")
    cart_id = new_cart(customer_with_address())

    response = paste(staff_client, cart_id, "AB-100 4", **HTMX)

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="lines-body"') and "<h1" not in page
    assert "Added 1 product from the paste: 4 × AB-100." in page
    assert re.search(r'<input[^>]*autofocus[^>]*id="id_query"|<input[^>]*id="id_query"[^>]*autofocus', page)
    assert not re.search(r"<textarea[^>]*autofocus", page)


def test_a_paste_into_an_order_being_edited_is_applied_by_save_changes(staff_client, checkout_setup):
    keep = ProductFactory(sku="KEEP", price=Decimal("10.00"), stock=10)
    ProductFactory(sku="NEW-1", price=Decimal("2.00"), stock=10)
    order = OrderFactory(lines=[(keep, 3)], shipping=checkout_setup[0])
    response = staff_client.post(reverse("orders:edit_start", args=[order.number]))
    edit_url = response.url
    edit_id = re.search(r"/edit/([^/]+)/$", edit_url).group(1)
    paste_url = reverse("orders:edit_paste", args=[order.number, edit_id])

    pasted = staff_client.post(paste_url, {"text": "KEEP 2\n4 x new-1\nNOPE 1"}, follow=True)

    assert pasted.redirect_chain == [(edit_url, 302)]
    assert refused(pasted) == ["NOPE 1: Unknown SKU “NOPE”: no product has it."]
    assert box(pasted) == "NOPE 1"
    assert Order.objects.get().lines.count() == 1  # nothing changes until Save changes
    page = staff_client.get(edit_url)
    saved = staff_client.post(edit_url, submitted_data(page, ("form", "billing_form", "shipping_form")), follow=True)
    assert f"Order #{order.number} saved." in saved.content.decode()
    assert {line.sku: line.quantity for line in Order.objects.get().lines.all()} == {"KEEP": 5, "NEW-1": 4}
    assert describe(OrderEvent.objects.get(kind="edited")).startswith("Edited: added 4 x NEW-1; KEEP quantity 3 → 5;")
    assert Product.objects.get(sku="NEW-1").stock == 6
