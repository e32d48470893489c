"""Orders that move, in Chromium: edit in place, Reorder, Last ordered by keyboard, filters and Export CSV."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from catalog.models import Product
from orders.models import Order
from tests.browser.helpers import PASSWORD, audit, screenshot, tab_to
from tests.factories import (
    OrderFactory,
    ProductFactory,
    ShippingMethodFactory,
    TaxRateFactory,
    UserFactory,
    customer_with_address,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def staff_user(transactional_db):
    """The operator may also edit and cancel orders and change prices: given before they log in (permissions are
    read at login, then once a minute)."""
    user = UserFactory(username="operator", password=PASSWORD)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["edit_order", "cancel_order",
                                                                       "change_price"]))
    return user


@pytest.fixture
def placed(transactional_db):
    shipping = ShippingMethodFactory(name="Ground", price=Decimal("8.95"))
    TaxRateFactory(rate=Decimal("7.250"))
    customer = customer_with_address(first_name="Ada", last_name="Okafor", email="ada@harbor.example")
    widget = ProductFactory(sku="WID-001", name="Widget, small", price=Decimal("9.50"), stock=40)
    lamp = ProductFactory(sku="LMP-004", name="Desk lamp, blue", price=Decimal("40.50"), stock=12)
    ProductFactory(sku="MUG-001", name="Coffee mug", price=Decimal("6.00"), stock=30)
    return OrderFactory(customer=customer, lines=[(widget, 2), (lamp, 1)], shipping=shipping)


def test_edit_an_order_add_a_line_change_a_quantity_and_see_the_diff(app, staff_user, placed):
    page = app
    page.goto(f"{page.base_url}{placed.get_absolute_url()}")
    page.get_by_role("button", name="Edit order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Editing order #{placed.number}")
    billing_line1 = page.locator("#id_billing-line1")
    billing_line1.fill("9 Harbour Road")  # typed before the lines change: kept, as the lines change in place

    page.get_by_label("SKU or product", exact=True).fill("mug-001")
    page.get_by_label("Quantity", exact=True).fill("3")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("row").filter(has_text="MUG-001")).to_contain_text("New")
    expect(page.get_by_label("SKU or product", exact=True)).to_be_focused()
    page.get_by_label("Units of WID-001").fill("5")
    page.get_by_role("button", name="Update WID-001").click()
    expect(page.get_by_role("row").filter(has_text="WID-001")).to_contain_text("Was 2")
    expect(billing_line1).to_have_value("9 Harbour Road")
    screenshot(page, "20-edit-order")
    audit(page, "edit order")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order #{placed.number}")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Edited: added 3 x MUG-001; WID-001 quantity 2 → 5; billing address changed;")
    expect(page.get_by_role("row").filter(has_text="MUG-001")).to_be_visible()
    assert Product.objects.get(sku="MUG-001").stock == 27 and Product.objects.get(sku="WID-001").stock == 35


def test_edit_an_order_change_a_price_give_a_discount_and_add_a_custom_item_as_in_the_cart(app, staff_user,
                                                                                          placed):
    page = app
    page.goto(f"{page.base_url}{placed.get_absolute_url()}")
    page.get_by_role("button", name="Edit order").click()

    row = page.get_by_role("row").filter(has_text="WID-001")
    row.get_by_role("button", name=re.compile("^Change price")).click()
    expect(page.locator(".htmx-request, .htmx-settling, .htmx-swapping")).to_have_count(0)  # the form settled
    row.get_by_label("New unit price").fill("8.00")
    row.get_by_label("Reason").fill("Price match")
    row.get_by_role("button", name="Save price").click()
    expect(page.get_by_role("row").filter(has_text="WID-001")).to_contain_text("Override: Price match")
    page.get_by_role("link", name="Give a discount").click()
    page.get_by_label("Discount", exact=True).fill("5.00")
    page.get_by_role("region", name="Order discount").get_by_label("Reason").fill("Loyal customer")
    page.get_by_role("button", name="Apply discount").click()
    expect(page.get_by_role("row").filter(has_text="Discount 5.00 (Loyal customer)")).to_be_visible()
    page.get_by_role("link", name="New custom item").click()
    page.get_by_label("Description").fill("Rush handling")
    page.get_by_label("Unit price").fill("15.00")
    page.get_by_role("region", name="Custom items").get_by_label("Quantity").fill("1")
    page.get_by_role("button", name="Add custom item").click()
    expect(page.get_by_role("row").filter(has_text="Rush handling")).to_contain_text("$15.00")
    page.get_by_role("button", name="Save changes").click()

    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("added 1 x Rush handling;")
    expect(timeline).to_contain_text("WID-001 price")
    expect(timeline).to_contain_text("discount none → 5.00 (Loyal customer)")
    expect(page.get_by_role("row").filter(has_text="Rush handling")).to_be_visible()


def test_reorder_from_the_customer_record(app, placed):
    Product.objects.filter(sku="LMP-004").update(is_active=False)
    page = app
    page.goto(f"{page.base_url}{placed.customer.get_absolute_url()}")
    page.get_by_role("row").filter(has_text=f"#{placed.number}").get_by_role("button", name="Reorder").click()

    page.get_by_role("heading", name="Order in progress").wait_for()
    expect(page.get_by_text("Reordering order")).to_be_visible()
    expect(page.get_by_text("Not added: LMP-004 (Desk lamp, blue): No longer sold.")).to_be_visible()
    lines = page.locator("#order-lines")
    expect(lines.get_by_role("row").filter(has_text="WID-001")).to_be_visible()
    expect(lines.get_by_role("row").filter(has_text="LMP-004")).to_have_count(0)
    expect(page.locator(".customer-panel")).to_contain_text("Ada Okafor")


def test_last_ordered_adds_an_item_with_the_keyboard(app, placed):
    page = app
    page.goto(f"{page.base_url}{placed.customer.get_absolute_url()}")
    page.get_by_role("button", name="Place Order").click()
    section = page.get_by_role("region", name="Last ordered")
    expect(section.get_by_role("button", name="Add LMP-004")).to_be_visible()
    audit(page, "cart with last ordered")

    tab_to(page, "Add LMP-004", limit=60)
    page.keyboard.press("Enter")

    expect(page.locator("#order-lines").get_by_role("row").filter(has_text="LMP-004")).to_be_visible()


def test_filter_the_order_list_and_download_the_csv(app, placed, tmp_path):
    OrderFactory(customer=placed.customer, lines=[(Product.objects.get(sku="MUG-001"), 1)],
                 shipping=ShippingMethodFactory(name="Ground"), channel="fax")
    page = app
    page.goto(f"{page.base_url}/orders/")
    page.get_by_label("Channel").select_option(label="Fax")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"channel=fax"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    audit(page, "order list filtered")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    path = tmp_path / "orders.csv"
    download.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").splitlines()
    fax = Order.objects.get(channel="fax")
    assert len(lines) == 2 and lines[1].startswith(f"{fax.number},") and ",Fax," in lines[1]


def test_cancel_with_a_reason_and_see_the_stock_back_on_the_product_list(app, staff_user, placed):
    page = app
    page.goto(f"{page.base_url}{placed.get_absolute_url()}")
    page.get_by_role("link", name="Cancel order").click()
    page.get_by_label("Reason").fill("customer called back")
    page.get_by_role("button", name="Confirm cancellation").click()

    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        "Cancelled: customer called back. Restocked 1 x LMP-004, 2 x WID-001.")  # by SKU
    page.get_by_role("link", name="Products").click()
    for sku, stock in (("WID-001", "40"), ("LMP-004", "12")):  # 38 and 11 while the order stood
        expect(page.get_by_role("row").filter(has_text=sku).get_by_role("cell").nth(3)).to_have_text(stock)
