"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Controls are found only by role and accessible name (the words in shared/UI.md). Every page a
test visits is watched for Content-Security-Policy violations and script errors.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium")
PASSWORD = "correct horse battery staple"

@pytest.fixture(scope="session")
def browser_type_launch_args():
    if CHROMIUM is None:
        message = "the browser tests need Debian's chromium package (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it (.ci/run): a missing browser is a broken run
        pytest.skip(message)
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser_context_args():
    return {"viewport": {"width": 1280, "height": 900}, "locale": "en-US"}


class Problems(list):
    """Console errors and CSP violations seen by any page of the test."""

    def watch(self, page):
        page.on("console", lambda message: message.type == "error" and self.append(message.text))
        page.on("pageerror", lambda error: self.append(f"page error: {error}"))
        return page


@pytest.fixture
def problems(context):
    seen = Problems()
    context.on("page", seen.watch)
    yield seen
    assert list(seen) == [], "the browser reported errors (CSP violations or script errors)"


@pytest.fixture
def staff_user(transactional_db):
    return UserFactory(username="operator", password=PASSWORD)


@pytest.fixture
def app(page, live_server, staff_user, problems):
    """A page logged in as staff, watched for CSP violations and script errors."""
    problems.watch(page)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/orders/")
    page.get_by_label("Username").fill(staff_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Orders", level=1).wait_for()
    page.base_url = live_server.url
    return page


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
