"""The other main screens: accessibility, type-ahead, and ordering with JavaScript off."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, audit, placed_order, screenshot
from tests.factories import CustomerFactory, ProductFactory, ShippingMethodFactory, customer_with_address

pytestmark = pytest.mark.browser


def test_list_and_form_screens_pass_axe(app, transactional_db):
    CustomerFactory.create_batch(30)
    ProductFactory.create_batch(30)
    page = app
    nav = page.get_by_role("navigation", name="Main")
    for link, heading in (("Customers", "Customers"), ("Products", "Products")):
        nav.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        screenshot(page, f"07-{link.lower()}")
        audit(page, link)
    nav.get_by_role("link", name="Customers").click()
    page.get_by_role("button", name="New customer").click()
    page.get_by_role("button", name="Create customer").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    audit(page, "new customer form with errors")


def test_login_screen_passes_axe(page, live_server, problems):
    problems.watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    screenshot(page, "00-login")
    audit(page, "login")


def test_product_type_ahead_adds_a_chosen_product(app, transactional_db):
    ProductFactory(sku="LMP-001", name="Desk lamp, small")
    ProductFactory(sku="LMP-002", name="Desk lamp, blue", price=Decimal("40.50"))
    customer = customer_with_address()
    page = app
    page.goto(f"{app.base_url}{customer.get_absolute_url()}")
    page.get_by_role("button", name="Place Order").click()

    page.get_by_label("SKU or product", exact=True).press_sequentially("lamp", delay=30)
    choice = page.get_by_role("button", name="Add LMP-002 Desk lamp, blue")
    expect(choice).to_be_visible()
    choice.click()

    expect(page.get_by_role("row").filter(has_text="LMP-002")).to_contain_text("$40.50")
    expect(page.get_by_label("SKU or product", exact=True)).to_be_focused()


def test_identify_type_ahead_shows_results_while_typing(app, transactional_db):
    customer_with_address(first_name="Rosa", last_name="Delgado", company="Cedar Lane Cafe")
    page = app
    page.get_by_role("button", name="New").click()
    page.get_by_role("button", name="Identify").click()
    page.get_by_role("search", name="Find a customer").get_by_label("Company").press_sequentially("cedar", delay=30)
    expect(page.get_by_role("button", name="Attach Rosa Delgado")).to_be_visible()
    expect(page).to_have_url(re.compile(r"company=cedar"))


def test_an_order_can_be_placed_with_javascript_off(browser, live_server, staff_user, transactional_db):
    ShippingMethodFactory()
    ProductFactory(sku="NOJS-1", name="Plain widget")
    customer_with_address(first_name="Noel", last_name="Script")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/orders/")
    page.get_by_label("Username").fill(staff_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("button", name="New").click()
    page.get_by_role("button", name="Identify").click()
    page.get_by_role("search", name="Find a customer").get_by_label("Last name").fill("scr")
    page.get_by_role("search", name="Find a customer").get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Attach Noel Script").click()
    page.get_by_label("SKU or product", exact=True).fill("nojs-1")
    page.get_by_label("Quantity", exact=True).fill("4")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("row").filter(has_text="NOJS-1")).to_be_visible()
    page.get_by_role("button", name="Checkout").click()
    page.get_by_role("button", name="Submit order").click()

    order = placed_order(page)
    assert [(line.sku, line.quantity) for line in order.lines.all()] == [("NOJS-1", 4)]
    context.close()


def test_search_pages_are_kept_in_no_browser_storage(app, transactional_db):
    customer_with_address(first_name="Rosa", last_name="Delgado", company="Cedar Lane Cafe")
    customer_with_address(first_name="Ivan", last_name="Petrov", company="Ironwood Labs")
    page = app
    page.get_by_role("button", name="New").click()
    page.get_by_role("button", name="Identify").click()
    search = page.get_by_role("search", name="Find a customer").get_by_label("Company")
    search.press_sequentially("cedar", delay=30)
    expect(page.get_by_role("button", name="Attach Rosa Delgado")).to_be_visible()
    search.fill("")
    search.press_sequentially("iron", delay=30)
    expect(page.get_by_role("button", name="Attach Ivan Petrov")).to_be_visible()
    expect(page).to_have_url(re.compile(r"company=iron"))

    page.go_back()  # the earlier search comes back from the server, not from a copy in the browser
    expect(page.get_by_role("button", name="Attach Rosa Delgado")).to_be_visible()
    stored = page.evaluate("() => [localStorage, sessionStorage].flatMap(s => Object.keys(s))")
    assert "htmx-history-cache" not in stored
    assert "Delgado" not in page.evaluate(
        "() => [localStorage, sessionStorage].flatMap(s => Object.values(s)).join(' ')")
