"""Both ways in, as staff see them in Chromium."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from catalog.models import Product
from orders.models import Order
from tests.browser.helpers import add_line, audit, placed_order, screenshot
from tests.factories import ProductFactory, ShippingMethodFactory, TaxRateFactory, customer_with_address

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(transactional_db):
    ShippingMethodFactory(name="Ground", price=Decimal("8.95"))
    TaxRateFactory(rate=Decimal("7.250"))
    return {
        "widget": ProductFactory(sku="WID-001", name="Widget, small", price=Decimal("9.50"), stock=40),
        "lamp": ProductFactory(sku="LMP-004", name="Desk lamp, blue", price=Decimal("40.50"), stock=12),
        "mug": ProductFactory(sku="MUG-001", name="Coffee mug", price=Decimal("6.00"), stock=1),
    }


def place_order_for(page, customer) -> None:
    """Open the customer's record and press Place Order."""
    page.goto(f"{page.base_url}{customer.get_absolute_url()}")
    page.get_by_role("button", name="Place Order").click()


def test_path_b_identify_attach_add_lines_and_email(app, shop):
    customer = customer_with_address(first_name="Ada", last_name="Okafor", company="Harbor Marine",
                                     email="ada@harbor.example")
    page = app
    screenshot(page, "01-order-list")
    audit(page, "order list")

    page.get_by_role("button", name="New").click()
    page.get_by_role("button", name="Identify").click()
    search = page.get_by_role("search", name="Find a customer")
    expect(search.get_by_label("Last name")).to_be_focused()
    search.get_by_label("Last name").fill("oka")
    search.get_by_role("button", name="Search").click()
    result = page.get_by_role("row").filter(has_text="Harbor Marine")
    expect(result).to_be_visible()
    screenshot(page, "02-identify-results")
    audit(page, "identify")
    result.get_by_role("button", name=re.compile("^Attach")).click()

    panel = page.get_by_role("region", name="Customer")
    expect(panel).to_contain_text("Ada Okafor")
    expect(panel).to_contain_text("ada@harbor.example")
    add_line(page, "WID-001", 3)
    add_line(page, "LMP-004", 1)
    expect(page.get_by_role("row").filter(has_text="WID-001")).to_contain_text("Widget, small")
    screenshot(page, "03-cart")
    audit(page, "cart")

    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_label("Send order confirmation email")).to_be_checked()
    screenshot(page, "04-checkout")
    audit(page, "checkout")
    page.get_by_role("button", name="Submit order").click()

    order = placed_order(page)
    expect(page.get_by_role("region", name="Confirmation email")).to_contain_text(f"Sent to {customer.email}")
    screenshot(page, "05-order")
    audit(page, "order page")
    assert [message.to for message in mail.outbox] == [[customer.email]]
    assert f"Order #{order.number}" in mail.outbox[0].subject
    # 3 x 9.50 + 40.50 = 69.00; shipping 8.95; tax 7.25% of 69.00 = 5.0025 -> 5.00
    assert (order.subtotal, order.tax, order.total) == (Decimal("69.00"), Decimal("5.00"), Decimal("82.95"))


def cart_of_two_lines(page) -> None:
    """A new order for a new customer with one WID-001 and one LMP-004, its lines settled."""
    place_order_for(page, customer_with_address(last_name="Lindqvist"))
    add_line(page, "WID-001", 1)
    add_line(page, "LMP-004", 1)
    expect(page.locator(".htmx-request, .htmx-settling, .htmx-swapping")).to_have_count(0)


def test_update_and_remove_lines_in_place(app, shop):
    page = app
    cart_of_two_lines(page)
    page.evaluate("window.stillThisPage = true")

    page.get_by_label("Units of WID-001").fill("4")
    page.get_by_role("button", name="Update WID-001").click()
    expect(page.get_by_role("row").filter(has_text="WID-001")).to_contain_text("$38.00")
    # Remove sits in the line's last cell and belongs to the line's form through its form attribute
    page.get_by_role("row").filter(has_text="LMP-004").get_by_role("button", name="Remove").click()
    expect(page.get_by_role("row").filter(has_text="LMP-004")).to_have_count(0)
    expect(page.get_by_text("Line removed.")).to_be_visible()
    assert page.evaluate("window.stillThisPage === true"), "the cart was reloaded instead of updated in place"
    assert page.get_by_label("Units of WID-001").input_value() == "4"


def test_a_refused_quantity_is_said_beside_its_line_and_keeps_what_was_typed(app, shop):
    page = app
    cart_of_two_lines(page)

    page.get_by_label("Units of WID-001").fill("0")
    page.get_by_role("button", name="Update WID-001").click()

    quantity = page.get_by_label("Units of WID-001")
    expect(quantity).to_have_accessible_description(re.compile(r"\S"))  # its error, read out with the field
    description = quantity.evaluate("el => document.getElementById(el.getAttribute('aria-describedby')).innerText")
    expect(page.get_by_role("row").filter(has_text="WID-001")).to_contain_text(description)
    expect(quantity).to_have_value("0")
    expect(page.get_by_label("Units of LMP-004")).not_to_have_accessible_description(re.compile(r"\S"))
    assert Product.objects.get(sku="WID-001").stock == 40  # nothing taken: the cart holds no stock


def test_path_b_create_and_attach_a_new_customer(app, shop):
    page = app
    page.get_by_role("button", name="New").click()
    page.get_by_role("button", name="Identify").click()
    search = page.get_by_role("search", name="Find a customer")
    search.get_by_label("Last name").fill("Zubrowski")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No customer matches")).to_be_visible()

    new = page.get_by_role("form", name="New customer")
    expect(new.get_by_label("Last name")).to_have_value("Zubrowski")
    new.get_by_label("First name").fill("Ola")
    new.get_by_label("Email").fill("ola@example.com")
    new.get_by_label("Phone").fill("555-0101")
    new.get_by_label("Address line 1").fill("5 Pier Rd")
    new.get_by_label("City").fill("Boise")
    new.get_by_label("State/Region").fill("ID")
    new.get_by_label("Postal code").fill("83702")
    new.get_by_role("button", name="Create and attach").click()

    expect(page.get_by_role("region", name="Customer")).to_contain_text("Ola Zubrowski")
    add_line(page, "WID-001", 1)
    page.get_by_role("button", name="Checkout").click()
    billing = page.get_by_role("group", name="Billing address")
    expect(billing.get_by_label("Address line 1")).to_have_value("5 Pier Rd")
    page.get_by_role("button", name="Submit order").click()
    assert placed_order(page).shipping_address["line1"] == "5 Pier Rd"


def test_path_a_from_the_customer_record_without_email(app, shop):
    customer = customer_with_address(first_name="Ben", last_name="Lindqvist", email="ben@example.com")
    page = app
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    page.get_by_role("searchbox", name="Search").fill("lindq")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Ben Lindqvist").click()
    screenshot(page, "06-customer")
    audit(page, "customer page")
    page.get_by_role("button", name="Place Order").click()

    expect(page.get_by_role("region", name="Customer")).to_contain_text("Ben Lindqvist")
    expect(page.get_by_label("SKU or product", exact=True)).to_be_focused()
    add_line(page, "MUG-001", 1)
    page.get_by_role("button", name="Checkout").click()
    page.get_by_label("Send order confirmation email").uncheck()
    page.get_by_role("button", name="Submit order").click()

    order = placed_order(page)
    expect(page.get_by_role("region", name="Confirmation email")).to_contain_text("Not sent")
    assert order.customer == customer
    assert mail.outbox == []


def test_two_orders_in_two_tabs_stay_separate(app, shop, context):
    first_customer = customer_with_address(first_name="Tab", last_name="One")
    second_customer = customer_with_address(first_name="Tab", last_name="Two")
    first = app
    second = context.new_page()
    second.base_url = app.base_url
    for page, customer in ((first, first_customer), (second, second_customer)):
        place_order_for(page, customer)
    add_line(first, "WID-001", 2)
    add_line(second, "LMP-004", 1)
    first.reload()
    second.reload()
    expect(first.get_by_role("row").filter(has_text="LMP-004")).to_have_count(0)
    expect(second.get_by_role("row").filter(has_text="WID-001")).to_have_count(0)

    for page in (second, first):
        page.get_by_role("button", name="Checkout").click()
        page.get_by_role("button", name="Submit order").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Order #\d+$"))

    one, two = Order.objects.get(customer=first_customer), Order.objects.get(customer=second_customer)
    assert [line.sku for line in one.lines.all()] == ["WID-001"]
    assert [line.sku for line in two.lines.all()] == ["LMP-004"]


def test_back_and_submit_again_lands_on_the_same_order(app, shop):
    page = app
    place_order_for(page, customer_with_address())
    add_line(page, "WID-001", 2)
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Submit order").click()
    order = placed_order(page)

    page.go_back()
    submit = page.get_by_role("button", name="Submit order")
    if submit.count():  # the browser kept the filled-in checkout page
        submit.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order #{order.number}")
    assert Order.objects.count() == 1
    assert Product.objects.get(sku="WID-001").stock == 38


def test_a_sold_out_line_is_reported_before_and_at_submit(app, shop):
    page = app
    place_order_for(page, customer_with_address())
    add_line(page, "MUG-001", 2)
    expect(page.get_by_text("2 ordered, only 1 in stock.")).to_be_visible()
    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_role("alert")).to_contain_text("MUG-001")

    page.get_by_role("button", name="Submit order").click()
    expect(page.get_by_role("alert")).to_contain_text("2 ordered, only 1 in stock")
    assert Order.objects.count() == 0


def test_submit_order_cannot_fire_twice(app, shop):
    page = app
    place_order_for(page, customer_with_address())
    add_line(page, "WID-001", 1)
    page.get_by_role("button", name="Checkout").click()
    submit = page.get_by_role("button", name="Submit order")
    submit.wait_for()  # the checkout page has loaded
    # Count submissions of the checkout form, and keep the page here so a second click is possible.
    page.evaluate("""() => {
        window.submissions = 0;
        document.querySelector("form.checkout").addEventListener("submit", (event) => {
            window.submissions += 1;
            event.preventDefault();
        });
    }""")

    submit.click()
    expect(submit).to_be_disabled()
    submit.click(force=True)
    submit.press("Enter")

    assert page.evaluate("window.submissions") == 1
    assert Order.objects.count() == 0


def test_a_shipping_method_withdrawn_during_checkout_is_said_beside_the_choices(app, shop):
    from orders.pricing.models import ShippingMethod

    page = app
    cart_of_two_lines(page)
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("heading", name="Checkout").wait_for()
    ShippingMethod.objects.filter(name="Ground").update(is_active=False)  # a manager withdraws it meanwhile
    ShippingMethodFactory(name="Courier", price=Decimal("15.00"))
    page.get_by_role("button", name="Submit order").click()

    choices = page.get_by_role("group", name="Shipping method")
    expect(choices.get_by_text("That shipping method is no longer offered; choose another.")).to_be_visible()
    assert not Order.objects.exists()
