"""Both ways in, end to end through the Django test client."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from catalog.models import Product
from customers.models import Customer
from orders.models import Order
from tests.factories import ProductFactory, customer_with_address
from tests.helpers import add, checkout_form

pytestmark = pytest.mark.django_db


def test_from_the_customer_record_place_order_without_email(staff_client, checkout_setup, new_cart):
    # given a customer found through the customer list
    customer = customer_with_address(last_name="Okafor", email="ada@example.com")
    widget = ProductFactory(sku="WID-001", name="Widget", price=Decimal("9.50"), stock=20)
    listing = staff_client.get(reverse("customers:list"), {"q": "okaf"})
    assert customer.get_absolute_url().encode() in listing.content
    record = staff_client.get(customer.get_absolute_url())
    assert b"Place Order" in record.content

    # when staff press Place Order, add a line and submit with the email unticked
    cart_id = new_cart(customer)
    cart_page = staff_client.get(reverse("orders:cart", args=[cart_id]))
    assert b"Okafor" in cart_page.content and b"ada@example.com" in cart_page.content
    assert add(staff_client, cart_id, "wid-001", 3).status_code == 302
    data = checkout_form(staff_client, cart_id, send_confirmation=None)
    response = staff_client.post(reverse("orders:checkout", args=[cart_id]), data, follow=True)

    # then the order page shows the order, nothing was sent, stock was taken
    order = Order.objects.get()
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert f"Order #{order.number}".encode() in response.content
    assert order.customer == customer and order.placed_by.username == "alice"
    assert order.confirmation_state == Order.EmailState.NOT_REQUESTED
    assert mail.outbox == []
    assert Product.objects.get(pk=widget.pk).stock == 17
    assert b"Not sent" in response.content


def test_from_the_order_list_identify_attach_and_email(staff_client, checkout_setup, new_cart,
                                                      django_capture_on_commit_callbacks):
    customer = customer_with_address(last_name="Lindqvist", company="Harbor Marine", email="erik@harbor.example")
    ProductFactory(sku="GAD-002", name="Gadget", price=Decimal("24.00"))
    assert b">New<" in staff_client.get(reverse("orders:list")).content

    cart_id = new_cart()
    identify = staff_client.get(reverse("orders:identify", args=[cart_id]), {"company": "harbor"})
    assert b"Lindqvist" in identify.content and b"Attach" in identify.content
    response = staff_client.post(reverse("orders:attach", args=[cart_id]), {"customer_id": customer.pk})
    assert response.url == reverse("orders:cart", args=[cart_id])
    add(staff_client, cart_id, "GAD-002", 2)

    with_email = checkout_form(staff_client, cart_id)
    assert with_email["send_confirmation"] == "on"  # ticked by default: the customer has an email
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("orders:checkout", args=[cart_id]), with_email)
    response = staff_client.get(response.url)

    order = Order.objects.get()
    assert order.confirmation_state == Order.EmailState.SENT
    assert [message.to for message in mail.outbox] == [["erik@harbor.example"]]
    assert b"Sent to erik@harbor.example" in response.content
    assert order.total == Decimal("56.84")  # 48.00 + 5.00 shipping + 8% of 48.00


def test_identify_create_and_attach_a_new_customer(staff_client, checkout_setup, new_cart):
    cart_id = new_cart()
    nothing = staff_client.get(reverse("orders:identify", args=[cart_id]), {"last_name": "Zubrowski"})
    assert b"No customer matches" in nothing.content
    assert nothing.context["new_form"]["last_name"].value() == "Zubrowski"  # pre-filled from the search

    response = staff_client.post(reverse("orders:create_customer", args=[cart_id]), {
        "new-first_name": "Ola", "new-last_name": "Zubrowski", "new-company": "", "new-email": "ola@example.com",
        "new-phone": "555-0101", "new-line1": "5 Pier Rd", "new-city": "Boise", "new-region": "ID",
        "new-postal_code": "83702", "new-country": "US",
    })

    customer = Customer.objects.get(last_name="Zubrowski")
    assert response.url == reverse("orders:cart", args=[cart_id])
    assert customer.default_billing_address == customer.default_shipping_address
    assert customer.default_billing_address.line1 == "5 Pier Rd"
    cart_page = staff_client.get(reverse("orders:cart", args=[cart_id]))
    assert b"Ola Zubrowski" in cart_page.content
    ProductFactory(sku="NEW-1")
    add(staff_client, cart_id, "NEW-1")
    data = checkout_form(staff_client, cart_id)
    assert data["billing-line1"] == "5 Pier Rd" and data["billing-name"] == "Ola Zubrowski"


def test_creating_a_customer_with_a_known_email_points_out_the_duplicate(staff_client, new_cart):
    existing = customer_with_address(first_name="Ann", last_name="Lee", email="ann@example.com")
    cart_id = new_cart()
    form = {"new-first_name": "Ann", "new-last_name": "Lee", "new-email": "ANN@example.com",
            "new-line1": "1 Elm St", "new-city": "Omaha", "new-country": "US"}

    warned = staff_client.post(reverse("orders:create_customer", args=[cart_id]), form)
    assert warned.status_code == 200
    assert b"already exists" in warned.content and f"Attach {existing.name}".encode() in warned.content
    assert Customer.objects.count() == 1

    created = staff_client.post(reverse("orders:create_customer", args=[cart_id]), form | {"new-create_anyway": "on"})
    assert created.status_code == 302
    assert Customer.objects.count() == 2


def test_adding_a_sku_twice_adds_to_its_quantity(staff_client, new_cart):
    product = ProductFactory(sku="BOLT-9")
    cart_id = new_cart()
    add(staff_client, cart_id, "BOLT-9", 2)
    add(staff_client, cart_id, "bolt-9", 5)
    page = staff_client.get(reverse("orders:cart", args=[cart_id]))
    [line] = page.context["review"].lines
    assert (line.product_id, line.quantity) == (product.pk, 7)


def test_adding_by_name_with_several_matches_offers_a_choice(staff_client, new_cart):
    ProductFactory(sku="LMP-1", name="Desk lamp, black")
    blue = ProductFactory(sku="LMP-2", name="Desk lamp, blue")
    cart_id = new_cart()
    response = add(staff_client, cart_id, "desk", 2)
    assert response.status_code == 200
    assert b"Several products match" in response.content
    assert add(staff_client, cart_id, "LMP-2", 2, product_id=blue.pk).status_code == 302
    assert staff_client.get(reverse("orders:cart", args=[cart_id])).context["review"].lines[0].product_id == blue.pk


def test_adding_by_a_unique_name_adds_directly(staff_client, new_cart):
    ProductFactory(sku="MUG-1", name="Coffee mug")
    cart_id = new_cart()
    assert add(staff_client, cart_id, "coffee", 1).status_code == 302


def test_change_quantity_and_remove_a_line(staff_client, new_cart):
    product = ProductFactory(sku="INK-1")
    cart_id = new_cart()
    add(staff_client, cart_id, "INK-1", 1)
    url = reverse("orders:cart_line", args=[cart_id])
    staff_client.post(url, {"line": product.pk, "quantity": "12"})
    assert staff_client.get(reverse("orders:cart", args=[cart_id])).context["review"].lines[0].quantity == 12
    staff_client.post(url, {"line": product.pk, "remove": "1"})
    assert staff_client.get(reverse("orders:cart", args=[cart_id])).context["review"].lines == []


def test_cart_warns_about_short_stock_before_checkout(staff_client, new_cart):
    ProductFactory(sku="RARE", stock=2)
    cart_id = new_cart()
    add(staff_client, cart_id, "RARE", 5)
    page = staff_client.get(reverse("orders:cart", args=[cart_id]))
    assert b"5 ordered, only 2 in stock." in page.content


def test_two_orders_in_two_tabs_stay_separate(staff_client, checkout_setup, new_cart):
    first_customer, second_customer = customer_with_address(), customer_with_address()
    ProductFactory(sku="AAA")
    ProductFactory(sku="BBB")
    first, second = new_cart(first_customer), new_cart(second_customer)
    add(staff_client, first, "AAA", 1)
    add(staff_client, second, "BBB", 4)

    first_page = staff_client.get(reverse("orders:cart", args=[first]))
    second_page = staff_client.get(reverse("orders:cart", args=[second]))
    assert [line.sku for line in first_page.context["review"].lines] == ["AAA"]
    assert [line.sku for line in second_page.context["review"].lines] == ["BBB"]
    assert first_page.context["customer"] == first_customer
    assert second_page.context["customer"] == second_customer

    staff_client.post(reverse("orders:checkout", args=[second]), checkout_form(staff_client, second))
    order = Order.objects.get()
    assert order.customer == second_customer and [line.sku for line in order.lines.all()] == ["BBB"]
    first_lines = staff_client.get(reverse("orders:cart", args=[first])).context["review"].lines
    assert [line.sku for line in first_lines] == ["AAA"]
    listing = staff_client.get(reverse("orders:list"))
    assert len(listing.context["in_progress"]) == 1


def test_submitting_twice_lands_on_the_same_order(staff_client, checkout_setup, new_cart):
    ProductFactory(sku="DUP", stock=10)
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "DUP", 2)
    data = checkout_form(staff_client, cart_id)
    url = reverse("orders:checkout", args=[cart_id])

    first = staff_client.post(url, data)
    second = staff_client.post(url, data, follow=True)  # back button, submit again

    order = Order.objects.get()
    assert first.url == order.get_absolute_url()
    assert second.redirect_chain[-1][0] == order.get_absolute_url()
    assert b"was already placed" in second.content
    assert Product.objects.get(sku="DUP").stock == 8


def test_order_list_finds_orders_by_number_and_customer(staff_client, checkout_setup, new_cart):
    customer = customer_with_address(last_name="Quartermaine")
    ProductFactory(sku="Q1")
    cart_id = new_cart(customer)
    add(staff_client, cart_id, "Q1")
    staff_client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(staff_client, cart_id))
    order = Order.objects.get()
    for query in (str(order.number), f"#{order.number}", "quarter"):
        page = staff_client.get(reverse("orders:list"), {"q": query})
        assert [found.number for found in page.context["page"]] == [order.number], query
    assert list(staff_client.get(reverse("orders:list"), {"q": "nobody"}).context["page"]) == []


def test_resend_confirmation_from_the_order_page(staff_client, checkout_setup, new_cart,
                                                django_capture_on_commit_callbacks):
    ProductFactory(sku="RS")
    cart_id = new_cart(customer_with_address(email="pat@example.com"))
    add(staff_client, cart_id, "RS")
    staff_client.post(reverse("orders:checkout", args=[cart_id]),
                      checkout_form(staff_client, cart_id, send_confirmation=None))
    order = Order.objects.get()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("orders:resend", args=[order.number]))
    page = staff_client.get(response.url)
    assert len(mail.outbox) == 1
    assert b"Sent to pat@example.com" in page.content
    order.refresh_from_db()
    assert order.confirmation_state == Order.EmailState.SENT


def test_checkout_without_email_disables_the_box(staff_client, checkout_setup, new_cart):
    ProductFactory(sku="NE")
    cart_id = new_cart(customer_with_address(email=""))
    add(staff_client, cart_id, "NE")
    page = staff_client.get(reverse("orders:checkout", args=[cart_id]))
    html = page.content.decode()
    checkbox = re.search(r'<input[^>]*name="send_confirmation"[^>]*>', html).group(0)
    assert "disabled" in checkbox and "checked" not in checkbox
    assert "no email address" in html
    # a forged "on" is ignored: the field is disabled
    data = checkout_form(staff_client, cart_id) | {"send_confirmation": "on"}
    staff_client.post(reverse("orders:checkout", args=[cart_id]), data)
    assert Order.objects.get().confirmation_state == Order.EmailState.NOT_REQUESTED
    assert mail.outbox == []


def test_identify_again_changes_or_detaches_the_customer(staff_client, new_cart):
    first, second = customer_with_address(), customer_with_address()
    cart_id = new_cart(first)
    staff_client.post(reverse("orders:attach", args=[cart_id]), {"customer_id": second.pk})
    assert staff_client.get(reverse("orders:cart", args=[cart_id])).context["customer"] == second
    identify = staff_client.get(reverse("orders:identify", args=[cart_id]))
    assert b"Detach customer" in identify.content
    staff_client.post(reverse("orders:attach", args=[cart_id]), {"detach": "1"})
    assert staff_client.get(reverse("orders:cart", args=[cart_id])).context["customer"] is None


def test_order_status_moves_only_along_allowed_transitions(staff_client, checkout_setup, new_cart):
    ProductFactory(sku="ST")
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "ST")
    staff_client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(staff_client, cart_id))
    order = Order.objects.get()
    page = staff_client.get(order.get_absolute_url())
    # the status form offers processing only (shipped comes from recording a shipment: Mark shipped is a link)
    assert b"Mark processing" in page.content and b'name="status" value="shipped"' not in page.content

    staff_client.post(reverse("orders:status", args=[order.number]), {"status": "processing"})
    refused = staff_client.post(reverse("orders:status", args=[order.number]), {"status": "placed"}, follow=True)

    order.refresh_from_db()
    assert order.status == Order.Status.PROCESSING
    assert b"cannot become placed" in refused.content
    bogus = staff_client.post(reverse("orders:status", args=[order.number]), {"status": "<b>"}, follow=True)
    assert b"Choose one of the statuses offered" in bogus.content


def test_identify_new_customer_errors_sit_next_to_their_field_and_keep_what_was_typed(staff_client, new_cart):
    cart_id = new_cart()
    response = staff_client.post(reverse("orders:create_customer", args=[cart_id]), {
        "new-first_name": "Ola", "new-last_name": "Zubrowski", "new-email": "ola at example", "new-line1": "5 Pier Rd",
        "new-city": "Boise", "new-country": "US",
    })

    page = HTMLParser(response.content.decode())
    email = page.css_first("#id_new-email")
    assert email.attributes["value"] == "ola at example"
    assert "is-invalid" in email.attributes["class"] and email.attributes["aria-invalid"] == "true"
    message = page.css_first(f"#{email.attributes['aria-describedby']}")
    assert message.text(strip=True) == "Enter a valid email address."
    assert message.parent == email.parent  # in the Email field's own group, under its label
    assert page.css_first("#id_new-last_name").attributes["value"] == "Zubrowski"
    assert "is-invalid" not in page.css_first("#id_new-last_name").attributes["class"]
    assert not Customer.objects.filter(last_name="Zubrowski").exists()
