"""After placing, as a Manager sees it in Chromium: ship part of an order, record a payment, open the invoice,
the dashboard."""

from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from orders.fulfilment.models import Carrier
from orders.models import Order
from tests.browser.helpers import audit, screenshot
from tests.factories import (
    OrderFactory,
    ProductFactory,
    ShippingMethodFactory,
    TaxRateFactory,
    customer_with_address,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def order(transactional_db):
    TaxRateFactory(rate=Decimal("8.000"))
    Carrier.objects.create(name="UPS")
    customer = customer_with_address(first_name="Zoë", last_name="Okafor", email="zoe@harbor.example")
    lines = [(ProductFactory(sku="LMP-004", name="Desk lamp, blue", price=Decimal("40.00")), 3),
             (ProductFactory(sku="MUG-001", name="Coffee mug", price=Decimal("6.00")), 2)]
    return OrderFactory(customer=customer, lines=lines, shipping=ShippingMethodFactory(price=Decimal("5.00")))


def test_ship_part_of_an_order_with_a_tracking_number_and_the_email_goes_out(manager_app, order):
    page = manager_app
    page.goto(f"{page.base_url}{order.get_absolute_url()}")
    page.get_by_role("link", name="Mark shipped").click()
    page.get_by_label("Carrier").select_option(label="UPS")
    page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    page.get_by_label("Quantity to ship of MUG-001").fill("0")
    expect(page.get_by_label("Send shipping confirmation email")).to_be_checked()
    audit(page, "mark shipped")
    screenshot(page, "20-mark-shipped")
    page.get_by_role("button", name="Save shipment").click()

    expect(page.get_by_text("Partially shipped").first).to_be_visible()
    expect(page.get_by_text("Shipping confirmation sent to zoe@harbor.example.").first).to_be_visible()
    [message] = mail.outbox
    assert message.to == ["zoe@harbor.example"] and "1Z999AA10123456784" in message.body
    assert "3 x LMP-004" in message.body and "MUG-001" not in message.body
    screenshot(page, "21-order-partially-shipped")


def test_record_a_payment_and_the_balance_due_changes(manager_app, order):
    page = manager_app
    page.goto(f"{page.base_url}{order.get_absolute_url()}")
    balance = page.locator("#balance-due")
    expect(balance).to_have_text(f"${order.total}")
    page.get_by_role("link", name="Record payment").click()
    page.get_by_label("Amount").fill("50")
    page.get_by_label("Method").select_option(label="Check")
    page.get_by_label("Reference").fill("Check 1042")
    audit(page, "record payment")
    page.get_by_role("button", name="Save payment").click()

    expect(balance).to_have_text(f"${order.total - Decimal('50')}")
    expect(page.locator("#payment-status")).to_have_text("Partially paid")
    assert Order.objects.get().amount_paid == Decimal("50.00")
    screenshot(page, "22-order-payment")


def test_open_the_invoice(manager_app, order):
    page = manager_app
    page.goto(f"{page.base_url}{order.get_absolute_url()}")
    page.get_by_role("link", name="Invoice").click()
    expect(page.get_by_role("heading", name="Invoice", level=1)).to_be_visible()
    expect(page.get_by_text("LMP-004")).to_be_visible()
    expect(page.get_by_text("Balance due")).to_be_visible()
    audit(page, "invoice")
    screenshot(page, "23-invoice")
    with page.expect_response(lambda response: ".pdf" in response.url) as pdf:
        page.get_by_role("link", name="PDF").click()
    assert pdf.value.headers["content-type"] == "application/pdf"


def test_the_dashboard_renders_with_data(manager_app, order):
    page = manager_app
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Sales dashboard")).to_be_visible()
    today = page.get_by_role("heading", name="Today").locator("..")
    expect(today).to_contain_text(f"${order.total}")
    expect(today).to_contain_text("1 order")
    expect(page.get_by_role("img", name="Revenue by channel, this month")).to_be_visible()
    audit(page, "dashboard")
    screenshot(page, "24-dashboard")
