"""What browser tests share besides fixtures: screenshots, the axe audit, focus and the placed order."""

import re
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery staple"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def audit(page, screen: str) -> None:
    """axe-core on the current page: no violation of impact serious or critical."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;0")  # DevTools evaluation: not subject to the page's CSP
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        + "; ".join(node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                    for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"axe on {screen}: {serious}"


def focused_name(page) -> str:
    """The accessible name (label, aria-label or text) of the element that has focus."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el) return "";
          if (el.getAttribute("aria-label")) return el.getAttribute("aria-label");
          if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
          return (el.textContent || el.value || "").trim();
        }"""
    )


def placed_order(page):
    """Wait for the order page the submit lands on and return that order."""
    from playwright.sync_api import expect

    from orders.models import Order

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Order #\d+$"))
    return Order.objects.get(number=int(heading.inner_text().removeprefix("Order #")))


def tab_to(page, name: str, *, limit: int = 40) -> None:
    """Press Tab until the element named ``name`` has focus."""
    for _ in range(limit):
        if focused_name(page).startswith(name):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{name!r} never got focus; last focus: {focused_name(page)!r}")


def add_line(page, query: str, quantity: int) -> None:
    """Add an item on the cart by SKU (or name) and quantity, and wait for its row."""
    page.get_by_label("SKU or product", exact=True).fill(query)
    page.get_by_label("Quantity", exact=True).fill(str(quantity))
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("row").filter(has_text=query.upper()).first).to_be_visible()
