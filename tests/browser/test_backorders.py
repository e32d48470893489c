"""Backorders and Receive stock, in Chromium by the words of shared/UI.md (issue 24): a Manager orders 40 lamps of
25 in stock, the cart, checkout and order page say 15 are on backorder; `Receive stock` of 15 on the Products list
allocates them to the order, which is then ready to ship and ships all 40; a clerk sees the backorder but no
`Receive stock`, and a forged receipt by a clerk is refused and changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from catalog.models import Product
from orders.fulfilment.models import Carrier
from orders.models import Order
from orders.pricing.models import ShippingMethod
from tests.browser.helpers import add_line, audit, placed_order, screenshot
from tests.factories import ProductFactory, ShippingMethodFactory, TaxRateFactory, customer_with_address
from tests.helpers import place

pytestmark = pytest.mark.browser

BACKORDER = "25 in stock, 15 on backorder"


@pytest.fixture
def lamp(transactional_db):
    """25 lamps in stock, a product that allows backorders."""
    TaxRateFactory(rate=Decimal("8.000"))
    ShippingMethodFactory(price=Decimal("5.00"))
    Carrier.objects.create(name="UPS")
    return ProductFactory(sku="LMP-004", name="Desk lamp, blue", price=Decimal("40.00"), stock=25,
                          allow_backorders=True)


def test_order_beyond_stock_receive_the_rest_and_ship_it_all(manager_app, lamp):
    customer = customer_with_address(first_name="Zoë", last_name="Okafor", email="zoe@harbor.example")
    page = manager_app
    page.goto(f"{page.base_url}{customer.get_absolute_url()}")
    page.get_by_role("button", name="Place Order").click()
    add_line(page, "LMP-004", 40)
    expect(page.get_by_role("row").filter(has_text="LMP-004")).to_contain_text(BACKORDER)
    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_role("row").filter(has_text="LMP-004")).to_contain_text(BACKORDER)
    page.get_by_role("button", name="Submit order").click()

    order = placed_order(page)
    expect(page.get_by_role("row").filter(has_text="LMP-004")).to_contain_text(BACKORDER)
    expect(page.locator("#backordered")).to_have_text("Backordered")
    screenshot(page, "50-order-backordered")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Products").click()
    page.get_by_role("row").filter(has_text="LMP-004").get_by_role("link", name="Receive stock").click()
    page.get_by_label("Quantity").fill("15")
    page.get_by_label("Reference").fill("DN-1")
    audit(page, "receive stock")
    screenshot(page, "51-receive-stock")
    page.get_by_role("button", name="Save receipt").click()

    expect(page.get_by_text(f"Fully allocated now, ready to ship: #{order.number}.")).to_be_visible()
    assert Product.objects.get(pk=lamp.pk).stock == 0  # 25 taken when placed, the 15 received went to the order
    page.goto(f"{page.base_url}{order.get_absolute_url()}")
    expect(page.locator("#backordered")).to_have_count(0)
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        "allocated: 15 x LMP-004. Everything is now allocated.")
    page.get_by_role("link", name="Mark shipped").click()
    page.get_by_label("Carrier").select_option(label="UPS")
    expect(page.get_by_label("Quantity to ship of LMP-004")).to_have_value("40")
    page.get_by_role("button", name="Save shipment").click()

    expect(page.get_by_text(f"Shipment recorded: order #{order.number} is shipped.")).to_be_visible()
    shipped = Order.objects.get()
    assert shipped.status == Order.Status.SHIPPED and not shipped.backordered
    assert [(line.quantity_shipped, line.quantity_backordered) for line in shipped.lines.all()] == [(40, 0)]
    screenshot(page, "52-order-shipped-after-receipt")


def test_a_clerk_sees_the_backorder_but_no_receive_stock(app, lamp):
    order = place(customer_with_address(last_name="Okafor"), [(lamp.pk, 40)], ShippingMethod.objects.get()).order
    page = app  # Order entry
    page.goto(f"{page.base_url}{order.get_absolute_url()}")
    expect(page.locator("#backordered")).to_have_text("Backordered")
    expect(page.get_by_role("row").filter(has_text="LMP-004")).to_contain_text(BACKORDER)
    audit(page, "backordered order")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Products").click()
    expect(page.get_by_role("row").filter(has_text="LMP-004")).to_be_visible()
    expect(page.get_by_role("link", name="Receive stock")).to_have_count(0)

    token = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")
    response = page.request.post(f"{page.base_url}{reverse('stock:product_receive', args=[lamp.pk])}",
                                 form={"csrfmiddlewaretoken": token, "quantity": "15", "reference": "DN-1"},
                                 headers={"Referer": page.base_url})
    assert response.status == 403
    assert Product.objects.get(pk=lamp.pk).stock == 0 and Order.objects.get().backordered
