"""A whole phone order with the keyboard alone: Tab, Enter and typing, nothing else."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import Order
from tests.browser.helpers import tab_to
from tests.factories import ProductFactory, ShippingMethodFactory, TaxRateFactory, customer_with_address

pytestmark = pytest.mark.browser


def test_place_an_order_with_the_keyboard_alone(app, transactional_db):
    ShippingMethodFactory(price=Decimal("5.00"))
    TaxRateFactory()
    ProductFactory(sku="WID-001", name="Widget", stock=50)
    ProductFactory(sku="GAD-002", name="Gadget", stock=50)
    customer = customer_with_address(first_name="Kay", last_name="Okonkwo", email="kay@example.com")
    page = app

    # Order list: New has focus
    expect(page.get_by_role("button", name="New")).to_be_focused()
    page.keyboard.press("Enter")

    # An empty order: Identify has focus
    page.get_by_role("heading", name="Order in progress").wait_for()
    expect(page.get_by_role("button", name="Identify")).to_be_focused()
    page.keyboard.press("Enter")

    # Identify: the cursor is in the search box; type, Enter, then Tab to the result's Attach
    page.get_by_role("heading", name="Identify the customer").wait_for()
    expect(page.get_by_role("search", name="Find a customer").get_by_label("Last name")).to_be_focused()
    page.keyboard.type("okon")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Attach Kay Okonkwo")).to_be_visible()
    tab_to(page, "Attach Kay Okonkwo")
    page.keyboard.press("Enter")

    # Cart: the cursor is in the SKU field; after each Add it is back there
    page.get_by_role("heading", name="Order in progress").wait_for()
    expect(page.get_by_role("region", name="Customer", exact=True)).to_contain_text("Kay Okonkwo")
    expect(page.get_by_label("SKU or product", exact=True)).to_be_focused()
    for sku, quantity in (("wid-001", "3"), ("GAD-002", "2")):
        page.keyboard.type(sku)
        page.keyboard.press("Tab")
        expect(page.get_by_label("Quantity", exact=True)).to_be_focused()
        page.keyboard.press("Control+A")
        page.keyboard.type(quantity)
        page.keyboard.press("Enter")
        expect(page.get_by_role("row").filter(has_text=sku.upper())).to_be_visible()
        expect(page.get_by_label("SKU or product", exact=True)).to_be_focused()
        expect(page.get_by_label("SKU or product", exact=True)).to_have_value("")

    tab_to(page, "Checkout")
    page.keyboard.press("Enter")

    # Checkout: everything is pre-filled and Submit order has focus
    page.get_by_role("heading", name="Checkout").wait_for()
    expect(page.get_by_role("button", name="Submit order")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Order #\d+$"))
    order = Order.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order #{order.number}")
    assert order.customer == customer
    assert sorted((line.sku, line.quantity) for line in order.lines.all()) == [("GAD-002", 2), ("WID-001", 3)]
