"""Prices that bend, in Chromium: a wholesale customer's price after Attach, a manager's override with its reason
through to the placed order, and a clerk who sees no Change price."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from customers.models import CustomerType, TypePrice
from tests.browser.helpers import PASSWORD, add_line, audit, placed_order, screenshot
from tests.factories import ProductFactory, ShippingMethodFactory, TaxRateFactory, UserFactory, customer_with_address

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(transactional_db):
    ShippingMethodFactory(name="Ground", price=Decimal("8.95"))
    TaxRateFactory(rate=Decimal("7.250"))
    wholesale = CustomerType.objects.create(name="Wholesale", percent_off=Decimal("10"))
    widget = ProductFactory(sku="WID-001", name="Widget, small", price=Decimal("9.50"), stock=40)
    TypePrice.objects.create(customer_type=wholesale, product=widget, price=Decimal("7.25"))
    return {"wholesale": wholesale, "widget": widget}


def test_a_wholesale_customers_price_shows_after_attach(app, shop):
    customer_with_address(first_name="Ada", last_name="Okafor", company="Harbor Marine",
                          customer_type=shop["wholesale"])
    page = app
    page.get_by_role("button", name="New").click()
    add_line(page, "WID-001", 2)
    expect(page.get_by_role("row").filter(has_text="WID-001")).to_contain_text("$9.50")

    page.get_by_role("button", name="Identify").click()
    search = page.get_by_role("search", name="Find a customer")
    search.get_by_label("Last name").fill("oka")
    search.get_by_role("button", name="Search").click()
    result = page.get_by_role("row").filter(has_text="Harbor Marine")
    expect(result).to_contain_text("Wholesale")
    result.get_by_role("button", name=re.compile("^Attach")).click()

    page.get_by_role("heading", name="Order in progress").wait_for()
    expect(page.get_by_role("region", name="Customer", exact=True)).to_contain_text("Wholesale")
    row = page.get_by_role("row").filter(has_text="WID-001")
    expect(row).to_contain_text("$7.25")
    expect(row).to_contain_text("List $9.50: Wholesale price")
    screenshot(page, "30-cart-wholesale")


def test_a_clerk_sees_no_change_price(app, shop):
    page = app
    page.get_by_role("button", name="New").click()
    add_line(page, "WID-001", 1)
    expect(page.get_by_role("button", name="Checkout")).to_be_visible()
    expect(page.get_by_text(re.compile("Change price"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("discount"))).to_have_count(0)


@pytest.fixture
def manager_user(transactional_db):
    """Order entry plus orders.change_price, given before they log in (permissions are read at login)."""
    user = UserFactory(username="pricer", password=PASSWORD)
    user.user_permissions.add(Permission.objects.get(codename="change_price"))
    return user


def test_a_manager_overrides_a_price_with_a_reason_and_places_the_order(page, live_server, manager_user, problems,
                                                                       shop):
    customer = customer_with_address(first_name="Ben", last_name="Quist")
    problems.watch(page)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    page.get_by_label("Username").fill(manager_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Place Order").click()
    add_line(page, "WID-001", 3)

    row = page.get_by_role("row").filter(has_text="WID-001")
    row.get_by_role("button", name=re.compile("^Change price")).click()
    expect(page.locator(".htmx-request, .htmx-settling, .htmx-swapping")).to_have_count(0)  # the form settled
    row.get_by_label("New unit price").fill("8.00")
    row.get_by_label("Reason").fill("Price match")
    screenshot(page, "31-change-price")
    audit(page, "change price in the cart")
    row.get_by_role("button", name="Save price").click()
    row = page.get_by_role("row").filter(has_text="WID-001")
    expect(row).to_contain_text("List $9.50: Override: Price match")
    expect(row).to_contain_text("$24.00")

    page.get_by_role("link", name="Give a discount").click()
    page.get_by_label("Discount", exact=True).fill("10%")
    page.get_by_role("region", name="Order discount").get_by_label("Reason").fill("Loyal customer")
    page.get_by_role("button", name="Apply discount").click()
    expect(page.get_by_role("row").filter(has_text="Discount 10% (Loyal customer)")).to_contain_text("$2.40")

    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("heading", name="Checkout").wait_for()
    expect(page.get_by_role("region", name="Review")).to_contain_text("Override: Price match")
    page.get_by_role("button", name="Submit order").click()
    order = placed_order(page)
    assert (order.discount, order.lines.get().unit_price) == (Decimal("2.40"), Decimal("8.00"))
    expect(page.get_by_role("row").filter(has_text="WID-001")).to_contain_text("Override: Price match")
    expect(page.get_by_text("10%: Loyal customer")).to_be_visible()
    screenshot(page, "32-order-with-override")


def test_checkout_recomputes_tax_in_place_when_the_address_changes(app, shop):
    from orders.pricing.models import TaxRate

    TaxRate.objects.create(name="Washington", country="US", region="WA", rate=Decimal("10.000"), tax_shipping=True)
    customer = customer_with_address(first_name="Cy", last_name="Delacroix")
    page = app
    page.goto(f"{page.base_url}{customer.get_absolute_url()}")
    page.get_by_role("button", name="Place Order").click()
    add_line(page, "WID-001", 2)
    page.get_by_role("button", name="Checkout").click()
    review = page.get_by_role("region", name="Review")
    expect(review).to_contain_text("(7.25%)")
    billing = page.get_by_role("group", name="Billing address")
    billing.get_by_label("State/Region").fill("WA")
    billing.get_by_label("State/Region").blur()
    expect(review).to_contain_text("Tax Washington (10%, shipping taxed)")
    expect(review).to_contain_text("$2.80")  # 10% of 19.00 and 8.95 shipping, half-up
    page.get_by_role("button", name="Submit order").click()
    order = placed_order(page)
    assert (order.tax_jurisdiction, order.tax) == ("Washington", Decimal("2.80"))
