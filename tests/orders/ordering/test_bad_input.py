"""Bad input gets a clear message next to the field, keeps what was typed, and never a 500."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Product
from customers.models import Customer
from orders.models import Order
from tests.factories import OrderFactory, ProductFactory, customer_with_address
from tests.helpers import add, checkout_form

pytestmark = pytest.mark.django_db

LONG = "x" * 5000
HTML = '<script>alert("x")</script><b>bold</b>'


def field_error(response, form_name: str, field: str) -> str:
    return " ".join(response.context[form_name].errors.get(field, []))


@pytest.mark.parametrize("line", ["", "²", "7\x00", "9" * 10_000, "abc"])
def test_a_forged_line_changes_nothing_and_says_so(staff_client, new_cart, line):
    ProductFactory(sku="KEEP-1")
    other = ProductFactory(sku="NOT-IN-CART")
    cart_id = new_cart()
    add(staff_client, cart_id, "KEEP-1", 2)
    for posted in (line, str(other.pk)):
        response = staff_client.post(reverse("orders:cart_line", args=[cart_id]),
                                     {"line": posted, "quantity": "5"}, follow=True)
        assert response.status_code == 200
        assert "That line is no longer in the order." in response.content.decode()
        assert [(row.sku, row.quantity) for row in response.context["review"].lines] == [("KEEP-1", 2)]


def test_tampered_or_stale_cart_ids_go_back_to_the_order_list(staff_client):
    for cart_id in ("doesnotexist", "a" * 300, "%3Cscript%3E"):
        response = staff_client.get(f"/orders/cart/{cart_id}/", follow=True)
        assert response.status_code == 200
        assert b"was not found" in response.content
        response = staff_client.post(f"/orders/cart/{cart_id}/add/", {"query": "x", "quantity": 1}, follow=True)
        assert b"was not found" in response.content


def test_a_corrupted_session_cart_is_treated_as_missing(staff_client):
    session = staff_client.session
    session["carts"] = {"broken": {"lines": "not a list"}, "alsobroken": "text"}
    session.save()
    for cart_id in ("broken", "alsobroken"):
        assert b"was not found" in staff_client.get(f"/orders/cart/{cart_id}/", follow=True).content
    assert staff_client.get(reverse("orders:list")).status_code == 200


def test_checkout_with_an_empty_cart_or_no_customer_says_what_to_do(staff_client, checkout_setup, new_cart):
    empty = new_cart(customer_with_address())
    response = staff_client.get(reverse("orders:checkout", args=[empty]), follow=True)
    assert b"add an item before checking out" in response.content
    ProductFactory(sku="NC")
    nobody = new_cart()
    add(staff_client, nobody, "NC")
    response = staff_client.get(reverse("orders:checkout", args=[nobody]), follow=True)
    assert b"Attach a customer first" in response.content
    response = staff_client.post(reverse("orders:checkout", args=[nobody]), {"token": str(uuid.uuid4())}, follow=True)
    assert b"Attach a customer first" in response.content
    assert Order.objects.count() == 0


def test_customer_deleted_while_attached(staff_client, checkout_setup, new_cart):
    customer = customer_with_address()
    ProductFactory(sku="DEL")
    cart_id = new_cart(customer)
    add(staff_client, cart_id, "DEL")
    Customer.objects.filter(pk=customer.pk).delete()
    for screen in ("orders:cart", "orders:identify"):
        page = staff_client.get(reverse(screen, args=[cart_id]))
        assert b"The attached customer no longer exists" in page.content, screen
    response = staff_client.get(reverse("orders:checkout", args=[cart_id]), follow=True)
    assert b"Attach a customer first" in response.content


def test_deleted_customer_between_review_and_submit_is_refused(staff_client, checkout_setup, new_cart):
    customer = customer_with_address()
    ProductFactory(sku="DEL2")
    cart_id = new_cart(customer)
    add(staff_client, cart_id, "DEL2")
    data = checkout_form(staff_client, cart_id)
    Customer.objects.filter(pk=customer.pk).delete()
    response = staff_client.post(reverse("orders:checkout", args=[cart_id]), data, follow=True)
    assert b"Attach a customer first" in response.content
    assert Order.objects.count() == 0


def test_price_change_after_adding_is_shown_on_the_review(staff_client, checkout_setup, new_cart):
    product = ProductFactory(sku="RP", price=Decimal("10.00"))
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "RP", 2)
    Product.objects.filter(pk=product.pk).update(price=Decimal("12.00"))
    page = staff_client.get(reverse("orders:checkout", args=[cart_id]))
    assert b"was $10.00, now $12.00" in page.content
    assert page.context["totals"].subtotal == Decimal("24.00")


def test_a_changed_price_is_pointed_out_until_staff_have_seen_it_on_the_review(staff_client, checkout_setup,
                                                                               new_cart):
    product = ProductFactory(sku="RPA", price=Decimal("10.00"))
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "RPA", 1)
    Product.objects.filter(pk=product.pk).update(price=Decimal("12.00"))
    cart_url = reverse("orders:cart", args=[cart_id])
    assert b"Price changed: was $10.00, now $12.00." in staff_client.get(cart_url).content

    staff_client.get(reverse("orders:checkout", args=[cart_id]))  # the review shows old and new price

    assert b"Price changed" not in staff_client.get(cart_url).content
    assert b"Price changed" not in staff_client.get(reverse("orders:checkout", args=[cart_id])).content


def test_price_change_between_review_and_submit_is_refused_and_reshown(staff_client, checkout_setup, new_cart):
    product = ProductFactory(sku="RP2", price=Decimal("10.00"))
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "RP2", 1)
    data = checkout_form(staff_client, cart_id, **{"staff_note": "call back at 3"})
    Product.objects.filter(pk=product.pk).update(price=Decimal("11.00"))

    response = staff_client.post(reverse("orders:checkout", args=[cart_id]), data)

    assert response.status_code == 200
    assert b"The order changed since this page was loaded" in response.content
    assert b"was $10.00, now $11.00" in response.content
    assert response.context["form"]["staff_note"].value() == "call back at 3"
    assert Order.objects.count() == 0
    # submitting the re-shown form places the order at the price now on screen
    resubmit = dict(data, fingerprint=response.context["form"]["fingerprint"].value())
    staff_client.post(reverse("orders:checkout", args=[cart_id]), resubmit)
    assert Order.objects.get().subtotal == Decimal("11.00")


@pytest.mark.parametrize("change", ["deactivated", "sold out"])
def test_product_gone_between_review_and_submit_is_refused(staff_client, checkout_setup, new_cart, change):
    product = ProductFactory(sku="GONE", stock=5)
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "GONE", 2)
    data = checkout_form(staff_client, cart_id)
    Product.objects.filter(pk=product.pk).update(
        **({"is_active": False} if change == "deactivated" else {"stock": 1})
    )

    response = staff_client.post(reverse("orders:checkout", args=[cart_id]), data)

    assert response.status_code == 200
    expected = b"No longer sold" if change == "deactivated" else b"2 ordered, only 1 in stock"
    assert expected in response.content
    assert Order.objects.count() == 0


def test_a_tampered_checkout_token_places_nothing(staff_client, checkout_setup, new_cart):
    ProductFactory(sku="TOK")
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "TOK")
    url = reverse("orders:checkout", args=[cart_id])
    for token in (str(uuid.uuid4()), "not-a-uuid", ""):
        response = staff_client.post(url, checkout_form(staff_client, cart_id, token=token))
        assert response.status_code == 200
        assert Order.objects.count() == 0
    stale = staff_client.post(url, checkout_form(staff_client, cart_id, token=str(uuid.uuid4())))
    assert b"out of date" in stale.content


def test_purchase_order_needs_a_po_number_and_card_numbers_are_refused(staff_client, checkout_setup, new_cart):
    ProductFactory(sku="PO")
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "PO")
    url = reverse("orders:checkout", args=[cart_id])
    response = staff_client.post(url, checkout_form(staff_client, cart_id, payment_method="purchase_order"))
    assert "Enter the PO number" in field_error(response, "form", "payment_reference")
    card = "4111 1111 1111 1111"
    response = staff_client.post(url, checkout_form(staff_client, cart_id, payment_method="card_by_phone",
                                                    payment_reference=card))
    assert "Never store card numbers" in field_error(response, "form", "payment_reference")
    assert Order.objects.count() == 0


@pytest.mark.parametrize("field", ["staff_note", "customer_note", "payment_reference"])
def test_card_numbers_are_refused_in_notes_too_and_the_text_kept(staff_client, checkout_setup, new_cart, field):
    ProductFactory(sku="NOTE")
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "NOTE")
    typed = "Paid by card 4111.1111.1111.1111, exp 12/29"
    response = staff_client.post(reverse("orders:checkout", args=[cart_id]),
                                 checkout_form(staff_client, cart_id, **{field: typed}))
    assert "Never store card numbers" in field_error(response, "form", field)
    assert response.context["form"][field].value() == typed
    assert Order.objects.count() == 0


def test_missing_address_fields_are_explained_and_the_rest_kept(staff_client, checkout_setup, new_cart):
    ProductFactory(sku="ADR")
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "ADR")
    data = checkout_form(staff_client, cart_id, **{"billing-line1": "", "billing-city": "Springfield"})
    response = staff_client.post(reverse("orders:checkout", args=[cart_id]), data)
    assert "This field is required." in " ".join(response.context["billing_form"].errors["line1"])
    assert response.context["billing_form"]["city"].value() == "Springfield"
    assert Order.objects.count() == 0


def test_html_and_very_long_text_in_every_field_never_breaks_a_page(staff_client, checkout_setup, new_cart):
    ProductFactory(sku="LONG")
    cart_id = new_cart(customer_with_address())
    for value in (HTML, LONG):
        assert add(staff_client, cart_id, value, value).status_code == 400  # refused, beside the fields
        assert staff_client.get(reverse("orders:identify", args=[cart_id]),
                                {"last_name": value, "company": value, "email": value}).status_code == 200
        for url in (reverse("customers:list"), reverse("catalog:list"), reverse("orders:list")):
            page = staff_client.get(url, {"q": value, "page": value})
            assert page.status_code == 200
            assert b"<script>alert" not in page.content
        created = staff_client.post(reverse("orders:create_customer", args=[cart_id]), {
            f"new-{field}": value for field in ("first_name", "last_name", "company", "email", "phone",
                                                "line1", "line2", "city", "region", "postal_code", "country")
        })
        assert created.status_code == 200 and created.context["new_form"].errors
        assert b"<script>alert" not in created.content
    add(staff_client, cart_id, "LONG")
    fields = checkout_form(staff_client, cart_id)
    for value in (HTML, LONG):
        data = {key: value for key in fields if key not in ("token", "fingerprint")} | {
            "token": fields["token"], "fingerprint": fields["fingerprint"]}
        response = staff_client.post(reverse("orders:checkout", args=[cart_id]), data)
        assert response.status_code == 200
        assert b"<script>alert" not in response.content
    assert Order.objects.count() == 0
    assert Customer.objects.filter(first_name=HTML).count() == 0


def test_html_in_names_is_shown_as_text_after_saving(staff_client, checkout_setup, new_cart):
    customer = customer_with_address(first_name=HTML, company=HTML)
    ProductFactory(sku="ESC", name=HTML)
    cart_id = new_cart(customer)
    add(staff_client, cart_id, "ESC")
    for url in (reverse("orders:cart", args=[cart_id]), reverse("orders:checkout", args=[cart_id]),
                customer.get_absolute_url()):
        page = staff_client.get(url)
        assert b"<script>alert" not in page.content and b"&lt;script&gt;" in page.content


def test_ids_too_large_for_the_database_are_not_found_not_errors(staff_client, new_cart):
    cart_id = new_cart()
    huge = "9" * 30
    assert staff_client.post(reverse("orders:attach", args=[cart_id]), {"customer_id": huge}).status_code == 302
    response = staff_client.post(reverse("orders:cart_add", args=[cart_id]),
                                 {"query": "x", "quantity": 1, "product_id": huge})
    assert response.status_code == 400 and "No active product" in field_error(response, "add_form", "query")
    assert staff_client.post(reverse("orders:new"), {"customer_id": huge}).status_code == 302
    assert staff_client.get(f"/orders/{huge}/").status_code == 404
    assert staff_client.get(f"/customers/{huge}/").status_code == 404
    assert staff_client.get(reverse("orders:list"), {"q": "9" * 18}).status_code == 200
    assert staff_client.get(reverse("customers:list"), {"q": "C" + "9" * 12}).status_code == 200


def test_html_in_an_order_is_shown_as_text_in_its_rows(staff_client):
    """The tables drawn in Jinja2 (an order's lines and timeline, a customer's order history) escape as pages do."""
    from orders.events import note_added_event

    customer = customer_with_address(first_name=HTML)
    order = OrderFactory(customer=customer, lines=[(ProductFactory(sku="ESC", name=HTML), 1)])
    note_added_event(order=order, actor=None, text=HTML, visible_to_customer=False)

    order_page = staff_client.get(order.get_absolute_url())
    record = staff_client.get(customer.get_absolute_url())

    assert order_page.status_code == record.status_code == 200
    assert b"<script>alert" not in order_page.content and b"<script>alert" not in record.content
    assert order_page.content.count(b"&lt;script&gt;alert") >= 2  # the line's name and the note
    assert f'<a href="{order.get_absolute_url()}">#{order.number}</a>'.encode() in record.content  # its history
