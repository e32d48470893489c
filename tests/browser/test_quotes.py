"""Quotes in Chromium by the words of shared/UI.md (issue 25): a clerk quotes 8 of 10 lamps for a trade customer
and reserves them; another clerk's cart is refused the reserved units; the quote is sent (the email with its PDF
arrives), converted, and placed at the quoted price while the list price has moved."""

from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from catalog.models import Product
from orders.models import Quote
from tests.browser.helpers import PASSWORD, add_line, audit, placed_order, screenshot
from tests.factories import ProductFactory, ShippingMethodFactory, TaxRateFactory, UserFactory, customer_with_address

pytestmark = pytest.mark.browser


@pytest.fixture
def lamp(transactional_db):
    TaxRateFactory(rate=Decimal("8.000"))
    ShippingMethodFactory(price=Decimal("5.00"))
    return ProductFactory(sku="LMP-004", name="Desk lamp, blue", price=Decimal("40.00"), stock=10)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/orders/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Orders", level=1).wait_for()


def test_quote_with_reserved_stock_send_it_convert_it_and_place_the_order(app, lamp):
    customer = customer_with_address(first_name="Zoë", last_name="Okafor", company="Harbor Trade",
                                     email="zoe@harbor.example")
    page = app  # Order entry
    page.goto(f"{page.base_url}{customer.get_absolute_url()}")
    page.get_by_role("button", name="Place Order").click()
    add_line(page, "LMP-004", 8)
    expect(page.get_by_label("Valid until")).not_to_be_empty()
    page.get_by_label("Reserve stock until then").check()
    audit(page, "cart with Save as quote")
    page.get_by_role("button", name="Save as quote").click()

    quote = Quote.objects.get()
    expect(page.get_by_role("heading", name=f"Quote Q{quote.number}", level=1)).to_be_visible()
    expect(page.locator("#quote-reservation")).to_have_text("Reserved until then")
    audit(page, "quote page")
    screenshot(page, "60-quote")

    # another clerk, in a browser of their own, is refused the reserved units
    other_context = page.context.browser.new_context()
    other = other_context.new_page()
    UserFactory(username="colleague", password=PASSWORD)
    log_in(other, page.base_url, "colleague")
    other.get_by_role("button", name="New").click()
    add_line(other, "LMP-004", 5)
    expect(other.get_by_role("row").filter(has_text="LMP-004")).to_contain_text(
        "5 ordered, only 2 in stock (8 more reserved by quotes).")
    other_context.close()

    page.get_by_role("button", name="Send quote").click()
    expect(page.get_by_text(f"Quote Q{quote.number} queued to be emailed to zoe@harbor.example")).to_be_visible()
    [message] = mail.outbox
    assert message.to == ["zoe@harbor.example"] and f"Q{quote.number}" in message.subject
    assert message.attachments[0][2] == "application/pdf" and message.attachments[0][1].startswith(b"%PDF")
    page.reload()
    expect(page.locator("#quote-status")).to_have_text("Sent")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("emailed to zoe@harbor.example")

    Product.objects.filter(pk=lamp.pk).update(price=Decimal("44.00"))  # the list price moves; the quote stands
    page.get_by_role("button", name="Convert to order").click()
    expect(page.get_by_role("row").filter(has_text="LMP-004")).to_contain_text("$40.00")
    page.get_by_role("button", name="Submit order").click()

    order = placed_order(page)
    assert order.lines.get().unit_price == Decimal("40.00") and order.lines.get().quantity == 8
    link = page.get_by_role("region", name="Timeline").get_by_role("link", name=f"Quote Q{quote.number}")
    link.click()
    expect(page.locator("#quote-status")).to_have_text("Converted")
    assert Product.objects.get(pk=lamp.pk).stock == 2
    screenshot(page, "61-quote-converted")
