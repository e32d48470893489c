"""Holds, in Chromium by the words of shared/UI.md: a Manager puts an order on hold with a reason, finds no
`Mark shipped` (and a forged one refused), reads "On hold" on the invoice and releases the hold; a clerk sees the
hold but neither `Release hold` nor `Edit order`."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from orders.changes.services import order_hold
from orders.fulfilment.models import Carrier, Shipment
from orders.models import Order
from tests.browser.helpers import audit, screenshot
from tests.factories import OrderFactory, ProductFactory, ShippingMethodFactory, TaxRateFactory, customer_with_address

pytestmark = pytest.mark.browser


@pytest.fixture
def order(transactional_db):
    TaxRateFactory(rate=Decimal("8.000"))
    Carrier.objects.create(name="UPS")
    lamp = ProductFactory(sku="LMP-004", name="Desk lamp, blue", price=Decimal("40.00"), stock=10)
    return OrderFactory(customer=customer_with_address(first_name="Zoë", last_name="Okafor"), lines=[(lamp, 2)],
                        shipping=ShippingMethodFactory(price=Decimal("5.00")))


def test_a_manager_holds_an_order_it_does_not_ship_its_invoice_says_so_and_the_hold_is_released(manager_app,
                                                                                                 order):
    page = manager_app
    page.goto(f"{page.base_url}{order.get_absolute_url()}")
    expect(page.get_by_role("link", name="Mark shipped")).to_be_visible()
    page.get_by_role("link", name="Put on hold").click()
    page.get_by_label("Reason").fill("Address to confirm")
    audit(page, "put on hold")
    page.get_by_role("button", name="Save hold").click()

    expect(page.get_by_role("heading", name=f"Order #{order.number}", level=1)).to_be_visible()
    expect(page.locator("#on-hold")).to_have_text("On hold: Address to confirm")
    expect(page.get_by_role("link", name="Mark shipped")).to_have_count(0)
    expect(page.get_by_role("button", name="Release hold")).to_be_visible()
    expect(page.get_by_role("button", name="Edit order")).to_be_visible()  # a Manager still may
    audit(page, "held order")
    screenshot(page, "45-order-on-hold")

    page.goto(f"{page.base_url}{reverse('orders:shipment_new', args=[order.number])}")  # Mark shipped by its URL
    expect(page.get_by_text("is on hold (Address to confirm): release the hold before shipping")).to_be_visible()
    assert not Shipment.objects.exists()

    page.goto(f"{page.base_url}{order.get_absolute_url()}")
    page.get_by_role("link", name="Invoice").click()
    expect(page.get_by_text("On hold: Address to confirm. Not final.")).to_be_visible()

    page.goto(f"{page.base_url}{order.get_absolute_url()}")
    page.get_by_role("button", name="Release hold").click()
    expect(page.get_by_text(f"The hold on order #{order.number} is released.")).to_be_visible()
    expect(page.locator("#on-hold")).to_have_count(0)
    expect(page.get_by_role("link", name="Put on hold")).to_be_visible()
    page.get_by_role("link", name="Mark shipped").click()
    page.get_by_label("Carrier").select_option(label="UPS")
    page.get_by_role("button", name="Save shipment").click()
    expect(page.get_by_text(f"Shipment recorded: order #{order.number} is shipped.")).to_be_visible()
    assert Order.objects.get().status == "shipped" and Shipment.objects.count() == 1
    expect(page.get_by_text("Hold released (Address to confirm).")).to_be_visible()  # on the Timeline


def test_a_clerk_sees_the_hold_but_no_release_hold_and_no_edit_order(app, order):
    order_hold(order=order, reason="Payment to check")
    page = app  # Order entry
    page.goto(f"{page.base_url}{order.get_absolute_url()}")

    expect(page.locator("#on-hold")).to_have_text("On hold: Payment to check")
    expect(page.get_by_role("button", name="Release hold")).to_have_count(0)
    expect(page.get_by_role("button", name="Edit order")).to_have_count(0)
    expect(page.get_by_role("link", name="Put on hold")).to_have_count(0)
    expect(page.get_by_role("link", name="Mark shipped")).to_have_count(0)

    token = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")
    for name in ("orders:release", "orders:edit_start"):
        response = page.request.post(f"{page.base_url}{reverse(name, args=[order.number])}",
                                     form={"csrfmiddlewaretoken": token}, headers={"Referer": page.base_url})
        assert response.status == 403, name
    held = Order.objects.get()
    assert held.on_hold and held.hold_reason == "Payment to check" and held.version == order.version
