"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Controls are found only by role and accessible name (the words in shared/UI.md). Every page a
test visits is watched for Content-Security-Policy violations and script errors.
"""

import os
import shutil

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from oms.accounts.roles import MANAGER
from tests.browser.helpers import PASSWORD
from tests.factories import UserFactory
from tests.helpers import totp_code

CHROMIUM = shutil.which("chromium")


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
    # Reduced motion: Bootstrap then drops its button transitions, so axe reads a button's settled
    # colours, not a blend caught mid-fade under the pointer that just clicked next to it.
    return {"viewport": {"width": 1280, "height": 900}, "locale": "en-US", "reduced_motion": "reduce"}


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
    return UserFactory(username="operator", password=PASSWORD)  # Order entry


@pytest.fixture
def app(page, live_server, staff_user, problems):
    """A page logged in as staff, watched for CSP violations and script errors."""
    problems.watch(page)
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)  # assertions wait as long as actions: a loaded 2-core machine is slow
    page.goto(f"{live_server.url}/orders/")
    page.get_by_label("Username").fill(staff_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Orders", level=1).wait_for()
    page.base_url = live_server.url
    return page


@pytest.fixture
def manager_app(page, live_server, transactional_db, problems):
    """A page logged in as a Manager, past the second factor."""
    user = UserFactory(username="manager", password=PASSWORD, role=MANAGER)
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    problems.watch(page)
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/orders/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name="Orders", level=1).wait_for()
    page.base_url = live_server.url
    page.manager = user
    return page
