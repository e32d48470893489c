"""Goods coming back, in Chromium by the words of shared/UI.md: a Manager returns two of five shipped lamps as
resaleable, receives them and refunds the customer by the method they paid with; a clerk may start a return but
sees no Refund, and a forged refund by a clerk is refused and changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from catalog.models import Product
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.models import Order, Payment, Refund
from orders.payments.services import payment_record
from tests.browser.helpers import audit, screenshot
from tests.factories import OrderFactory, ProductFactory, ShippingMethodFactory, TaxRateFactory, customer_with_address

pytestmark = pytest.mark.browser


@pytest.fixture
def shipped(transactional_db):
    """Five lamps (of ten in stock) ordered, paid in full by check and shipped."""
    TaxRateFactory(rate=Decimal("8.000"))
    lamp = ProductFactory(sku="LMP-004", name="Desk lamp, blue", price=Decimal("40.00"), stock=10)
    order = OrderFactory(customer=customer_with_address(first_name="Zoë", last_name="Okafor",
                                                        email="zoe@harbor.example"),
                         lines=[(lamp, 5)], shipping=ShippingMethodFactory(price=Decimal("5.00")))
    payment_record(order=order, amount=order.total, method=Payment.Method.CHECK, reference="Check 1042",
                   received_on=date.today())
    shipment_record(order=order, request=ShipmentRequest(carrier=Carrier.objects.create(name="UPS"),
                                                         tracking_numbers=[], shipped_on=date.today()))
    return order


def test_return_two_of_five_receive_them_and_refund_to_the_original_method(manager_app, shipped):
    page = manager_app
    page.goto(f"{page.base_url}{shipped.get_absolute_url()}")
    page.get_by_role("link", name="Return items").click()
    page.get_by_label("Return LMP-004").fill("2")
    page.get_by_label("Condition").select_option(label="Resaleable")
    audit(page, "return items")
    screenshot(page, "40-return-items")
    page.get_by_role("button", name="Create return").click()

    expect(page.get_by_role("heading", name="Return R", level=1)).to_be_visible()
    expect(page.get_by_text("Authorized").first).to_be_visible()
    page.get_by_role("link", name="Receive return").click()
    expect(page.get_by_label("Received LMP-004")).to_have_value("2")
    audit(page, "receive return")
    page.get_by_role("button", name="Save receipt").click()
    expect(page.get_by_text("Received").first).to_be_visible()
    assert Product.objects.get(sku="LMP-004").stock == 7  # 10 - 5 sold + 2 back

    page.goto(f"{page.base_url}{shipped.get_absolute_url()}")
    expect(page.get_by_role("cell", name="5 2 on a return")).to_be_visible()
    credited = shipped.credit_memos.get().total
    assert credited == Decimal("86.40")  # 2 x 40.00 and 8% tax on them
    expect(page.locator("#balance-due")).to_contain_text("86.40")
    page.get_by_role("link", name="Refund").click()
    expect(page.get_by_label("Amount")).to_have_value("86.40")
    expect(page.get_by_label("Method")).to_have_value(Payment.Method.CHECK)
    page.get_by_label("Reference").fill("Check 2001 to the customer")
    audit(page, "refund")
    screenshot(page, "41-refund")
    page.get_by_role("button", name="Save refund").click()

    expect(page.locator("#balance-due")).to_have_text("$0.00")
    refund = Refund.objects.get()
    assert (refund.amount, refund.method) == (Decimal("86.40"), Payment.Method.CHECK)
    expect(page.get_by_role("link", name="Credit memo").first).to_be_visible()
    screenshot(page, "42-order-after-refund")


def test_a_clerk_may_start_a_return_but_not_refund(app, shipped):
    page = app  # Order entry
    page.goto(f"{page.base_url}{shipped.get_absolute_url()}")
    expect(page.get_by_role("link", name="Return items")).to_be_visible()
    expect(page.get_by_role("link", name="Refund")).to_have_count(0)

    token = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")
    response = page.request.post(f"{page.base_url}{reverse('orders:refund_new', args=[shipped.number])}",
                                 form={"csrfmiddlewaretoken": token, "amount": "10.00", "method": "check",
                                       "reference": ""},
                                 headers={"Referer": page.base_url})

    assert response.status == 403
    assert not Refund.objects.exists()
    assert Order.objects.get().amount_refunded == 0
