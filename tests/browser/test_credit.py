"""Credit limits, in Chromium by the words of shared/UI.md: a clerk takes an order for a customer who owes 950.00 of
their 1,000.00 limit; the record and the cart show `Credit limit` and `Available credit`, checkout warns that the order
will be held, and it is placed on hold; the clerk sees no `Release hold`, a Manager releases it saying why."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.models import CustomerType
from orders.models import Order
from tests.browser.helpers import add_line, audit, placed_order, screenshot
from tests.factories import ProductFactory, ShippingMethodFactory, customer_with_address
from tests.helpers import place

pytestmark = pytest.mark.browser


@pytest.fixture
def customer(transactional_db):
    """A trade customer on account only, 1,000.00 limit, owing 950.00; lamps at 40.00, no shipping charge or tax."""
    kind = CustomerType.objects.create(name="Trade", credit_limit=Decimal("1000.00"), payment_methods=["on_account"])
    customer = customer_with_address(first_name="Zoë", last_name="Okafor", company="Harbor Marine",
                                     customer_type=kind)
    ProductFactory(sku="LMP-004", name="Desk lamp, blue", price=Decimal("40.00"), stock=100)
    owed = ProductFactory(sku="INK-001", name="Ink cartridge", price=Decimal("950.00"), stock=10)
    place(customer, [(owed.pk, 1)], ShippingMethodFactory(name="Pickup", price=Decimal("0.00")),
          payment_method="on_account")
    return customer


def test_a_clerk_places_an_order_past_the_limit_and_it_is_held_without_release_hold(app, customer):
    page = app  # Order entry
    page.goto(f"{page.base_url}{customer.get_absolute_url()}")
    expect(page.locator("#credit-limit")).to_have_text("$1,000.00")
    expect(page.locator("#available-credit")).to_have_text("$50.00")
    page.get_by_role("button", name="Place Order").click()

    add_line(page, "LMP-004", 2)
    expect(page.locator(".customer-panel")).to_contain_text("Credit limit $1,000.00")
    expect(page.locator(".customer-panel")).to_contain_text("Available credit $50.00")
    screenshot(page, "55-cart-credit-panel")
    page.get_by_role("button", name="Checkout").click()
    expect(page.locator("#credit-warning")).to_have_text("This order will be held: over the credit limit by $30.00.")
    audit(page, "checkout over the credit limit")
    screenshot(page, "56-checkout-credit-warning")
    page.get_by_role("button", name="Submit order").click()

    order = placed_order(page)
    expect(page.locator("#on-hold")).to_have_text("On hold: Over the credit limit by $30.00")
    expect(page.get_by_role("button", name="Release hold")).to_have_count(0)
    assert (order.on_hold, order.status, order.total) == (True, "placed", Decimal("80.00"))


def test_a_manager_releases_a_credit_hold_saying_why(manager_app, customer):
    lamp = ProductFactory(sku="LMP-005", price=Decimal("100.00"))
    order = place(customer, [(lamp.pk, 1)], ShippingMethodFactory(name="Pickup"), payment_method="on_account").order
    page = manager_app
    page.goto(f"{page.base_url}{order.get_absolute_url()}")
    expect(page.locator("#on-hold")).to_have_text("On hold: Over the credit limit by $50.00")

    page.get_by_label("Why released").fill("Paid by wire today")
    audit(page, "credit hold")
    screenshot(page, "57-credit-hold")
    page.get_by_role("button", name="Release hold").click()

    expect(page.get_by_text(f"The hold on order #{order.number} is released.")).to_be_visible()
    expect(page.get_by_text("Hold released (Over the credit limit by $50.00): Paid by wire today.")).to_be_visible()
    assert not Order.objects.get(pk=order.pk).on_hold
    assert Order.objects.get(pk=order.pk).events.get(kind="released").actor == page.manager
