"""Paste lines in Chromium: a list from an email or a spreadsheet becomes the order's lines in place."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, focused_name, placed_order, screenshot
from tests.factories import ProductFactory, ShippingMethodFactory, TaxRateFactory, customer_with_address

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(transactional_db):
    ShippingMethodFactory(name="Ground", price=Decimal("8.95"))
    TaxRateFactory(rate=Decimal("7.250"))
    return [ProductFactory(sku=f"PST-{index:03d}", name=f"Pasted thing {index}", price=Decimal("2.00"), stock=50)
            for index in range(1, 11)]


def page_loads(page) -> list[str]:
    """The full page loads of the main frame from now on (htmx's in-place swaps are not among them)."""
    loads = []
    page.on("framenavigated", lambda frame: frame.parent_frame is None and loads.append(frame.url))
    return loads


def open_cart(page, customer) -> None:
    page.goto(f"{page.base_url}{customer.get_absolute_url()}")
    page.get_by_role("button", name="Place Order").click()
    expect(page.get_by_role("heading", name="Order in progress")).to_be_visible()


def test_a_ten_line_paste_then_submit_order_in_three_page_loads_or_fewer(app, catalogue):
    page = app
    customer = customer_with_address(first_name="Ada", last_name="Okafor", email="ada@harbor.example")
    open_cart(page, customer)
    loads = page_loads(page)
    formats = ["{sku} {qty}", "{qty} {sku}", "{qty} x {sku}", "{sku}\t{qty}", "{sku},{qty}", "{sku};{qty}",
               "{qty}× {sku}", "  {sku}   {qty}  ", "{qty} X {sku}", "{sku}\t{qty}"]
    text = "\n".join(form.format(sku=product.sku.lower() if index % 2 else product.sku, qty=index + 1)
                     for index, (form, product) in enumerate(zip(formats, catalogue, strict=True)))

    page.get_by_label("Paste lines").fill(text)
    page.get_by_role("button", name="Add lines").click()

    expect(page.get_by_text("Added 10 products from the paste")).to_be_visible()
    for product in catalogue:
        expect(page.get_by_role("row").filter(has_text=product.sku)).to_contain_text(product.name)
    assert focused_name(page) == "SKU or product"
    expect(page.get_by_label("Paste lines")).to_have_value("")
    screenshot(page, "10-cart-pasted")
    audit(page, "cart after a paste")
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Submit order").click()

    order = placed_order(page)
    assert {line.sku: line.quantity for line in order.lines.all()} == {
        product.sku: index + 1 for index, product in enumerate(catalogue)}
    assert order.subtotal == Decimal("110.00")  # 2.00 x (1 + ... + 10)
    assert len(loads) <= 3, loads


def test_refused_lines_stay_in_the_box_with_the_cursor_there_and_no_page_load(app, catalogue):
    page = app
    open_cart(page, customer_with_address())
    loads = page_loads(page)

    page.get_by_label("Paste lines").fill("PST-001 2\nNOPE-1 3\nPST-002 ²")
    page.get_by_role("button", name="Add lines").click()

    box = page.get_by_label("Paste lines")
    expect(box).to_have_value("NOPE-1 3\nPST-002 ²")
    expect(box).to_be_focused()
    expect(page.get_by_text("Unknown SKU “NOPE-1”: no product has it.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="PST-001")).to_be_visible()
    audit(page, "cart with refused pasted lines")
    box.fill("PST-002 2")
    box.press("Tab")
    page.keyboard.press("Enter")  # Add lines, reached by the keyboard
    expect(page.get_by_role("row").filter(has_text="PST-002")).to_be_visible()
    expect(box).to_have_value("")
    assert loads == []
