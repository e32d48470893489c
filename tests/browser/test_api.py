"""The API's pages in a browser: the docs page (Swagger UI) runs under the strict Content-Security-Policy, and the
API tokens page makes a token, shows it once, and revokes it, by the words on screen."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} by ${event.sourceFile}:${event.lineNumber}`);
});
"""


def test_the_docs_page_draws_the_api_with_no_policy_violation(app):
    page = app
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    page.goto(f"{app.base_url}/api/docs/")

    expect(page.get_by_role("heading", name="Order management API")).to_be_visible()
    expect(page.get_by_text("/api/v1/orders/", exact=True).first).to_be_visible()
    page.wait_for_timeout(300)
    reported = [text for text in console if "Content Security Policy" in text or "violates" in text]
    assert (page.evaluate("window.__violations"), reported) == ([], [])


def test_a_token_is_made_shown_once_and_revoked(app):
    page = app
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Warehouse sync")
    page.get_by_role("button", name="Create token").click()

    key = page.get_by_label("New token").inner_text()
    assert key.startswith("oms_")
    page.reload()
    expect(page.get_by_text(key)).to_have_count(0)
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("cell", name="Revoked", exact=False)).to_be_visible()
