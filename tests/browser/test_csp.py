"""In-place updates run under the strict Content-Security-Policy: htmx writes no inline style."""

import pytest
from playwright.sync_api import expect

from tests.factories import ProductFactory, customer_with_address

pytestmark = pytest.mark.browser

# Records each violation with where it came from and the element (Playwright's init scripts are
# not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const element = event.target && event.target.outerHTML ? event.target.outerHTML.slice(0, 120) : "";
  window.__violations.push(`${event.effectiveDirective} by ${event.sourceFile}:${event.columnNumber} on ${element}`);
});
"""


def test_in_place_adds_and_type_ahead_break_no_content_security_policy(app, transactional_db):
    for number in range(1, 11):
        ProductFactory(sku=f"LMP-{number:03d}", name=f"Desk lamp {number}", stock=500)
    customer = customer_with_address()
    page = app
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{app.base_url}{customer.get_absolute_url()}")
    page.get_by_role("button", name="Place Order").click()
    lines = page.get_by_role("region", name="Items")

    for number in range(1, 11):
        sku = f"LMP-{number:03d}"
        query = page.get_by_label("SKU or product", exact=True)
        query.press_sequentially("desk l", delay=40)  # type-ahead
        choice = page.get_by_role("button", name=f"Add {sku} Desk lamp {number}")
        if number % 2:
            choice.click()  # add from the suggestions
        else:
            expect(choice).to_be_visible()
            query.fill(sku)
            page.get_by_label("Quantity", exact=True).fill(str(number))
            query.press("Enter")
        expect(lines.get_by_role("row").filter(has_text=sku)).to_be_visible()
        # A screenshot (as walks and the path tests take) leaves empty style="" attributes on the
        # inputs; htmx's settle step must not copy them onto the swapped-in elements.
        page.screenshot()
        expect(page.locator("#lines-body input[style]").first).to_be_attached()  # so this test can fail
    page.get_by_label("Units of LMP-001").fill("3")
    page.get_by_label("Units of LMP-001").press("Enter")
    expect(page.get_by_text("Quantity updated.")).to_be_visible()
    page.wait_for_timeout(100)  # htmx settles 20 ms after the swap

    violations = page.evaluate("window.__violations")
    reported = [text for text in console if "Content Security Policy" in text or "violates" in text]
    assert (violations, reported) == ([], [])
