"""What many tests share: placing an order through the service, driving the ordering screens
with the test client, running code in concurrent PostgreSQL sessions, getting past the second factor,
and reading the production settings in a process of their own."""

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection
from django.urls import reverse
from selectolax.lexbor import LexborHTMLParser

from orders.ordering.checkout import DraftLine, OrderDraft
from orders.ordering.placing import PlacedOrder, order_place
from orders.reporting.models import DailyProductSales, DailySales, MonthlyProductSales

ROOT = Path(__file__).resolve().parent.parent

# The packages of our own code (the rest of INSTALLED_APPS is Django and third parties).
OUR_PACKAGES = {"oms", "customers", "catalog", "orders"}

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and concurrent sessions"
)


def run_concurrently(function, *, times: int) -> list:
    """Call ``function`` from ``times`` threads released at once; return each result or exception."""
    barrier = threading.Barrier(times)
    results: list = [None] * times

    def worker(index: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:  # collected for the test to assert on
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


ADDRESS = {"name": "Pat Doe", "line1": "1 Main St", "city": "Portland", "region": "OR",
           "postal_code": "97201", "country": "US"}


def draft(customer, lines, shipping, **fields) -> OrderDraft:
    """An order draft for ``customer`` with (product id, quantity) ``lines``; any field can be overridden."""
    values = dict(
        token=uuid.uuid4(), customer_id=customer.pk if customer else None,
        lines=tuple(DraftLine(product_id, quantity) for product_id, quantity in lines),
        billing_address=ADDRESS, shipping_address=ADDRESS, shipping_method_id=shipping.pk, payment_method="check",
    )
    return OrderDraft(**(values | fields))


def place(customer, lines, shipping, *, placed_by=None, **fields) -> PlacedOrder:
    """Place an order through order_place, as checkout would."""
    return order_place(draft=draft(customer, lines, shipping, **fields), placed_by=placed_by)


def start_cart(client, customer=None) -> str:
    """Start an order from the order list (New) and return its cart id."""
    response = client.post(reverse("orders:new"), {"customer_id": customer.pk} if customer else {})
    assert response.status_code == 302
    return re.search(r"/orders/cart/([^/]+)/", response.url).group(1)


def add(client, cart_id, query, quantity=1, **extra):
    """Post the cart's add-item form."""
    return client.post(reverse("orders:cart_add", args=[cart_id]), {"query": query, "quantity": quantity, **extra})


def checkout_form(client, cart_id: str, **changes) -> dict:
    """The checkout form as the browser would submit it with its defaults, plus changes (None removes)."""
    response = client.get(reverse("orders:checkout", args=[cart_id]))
    assert response.status_code == 200, response.content[:500]
    return submitted_data(response, ("form", "billing_form", "shipping_form"), **changes)


def submitted_data(response, form_names, **changes) -> dict:
    """What the browser submits for the page's forms (context names) as shown, plus changes (None removes)."""
    data = {}
    for form in (response.context[name] for name in form_names):
        for bound in form:
            if not bound.field.disabled:
                data.update(_submitted(bound.html_name, bound.value()))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _submitted(name: str, value) -> dict:
    if isinstance(value, bool):
        return {name: "on"} if value else {}
    return {} if value is None else {name: str(value)}


def verified(client, user):
    """Give ``user`` a confirmed authenticator and count ``client``'s session as past the code step, the
    way django-otp records it; return the device. For tests about other things than logging in."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def logged_in(role: str, username: str | None = None):
    """A test client logged in as a new staff user of ``role`` (past the second factor where the role needs
    one), and the user."""
    from django.test import Client

    from oms.accounts.roles import TWO_FACTOR_ROLES
    from tests.factories import UserFactory

    user = UserFactory(username=username or f"user-{role or 'none'}".replace(" ", "-").lower(), role=role)
    client = Client()
    client.force_login(user)
    if role in TWO_FACTOR_ROLES:
        verified(client, user)
    return client, user


def totp_code(device, *, offset: int = 0) -> str:
    """The code ``device``'s authenticator app shows now (``offset`` steps later or earlier)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def production_settings(*names: str, **environment: str) -> dict:
    """The values of ``names`` in oms.settings as a fresh process reads them with ``environment``
    (over a production baseline: DEBUG off, a SECRET_KEY), untouched by test-time overrides."""
    code = (
        "import json, sys, oms.settings as s; "
        "json.dump({n: getattr(s, n) for n in sys.argv[1:]}, sys.stdout, default=repr)"
    )
    cleared = {"DEBUG", "SECURE_PROXY_SSL_HEADER", "OTP_REQUIRED_FOR_ALL", "SESSION_IDLE_MINUTES",
               "SESSION_MAX_HOURS", "LOGIN_FAILURE_LIMIT", "LOGIN_LOCKOUT_MINUTES"}
    env = {key: value for key, value in os.environ.items() if key not in cleared}
    env |= {"DEBUG": "0", "SECRET_KEY": "settings-test-key"} | environment
    result = subprocess.run([sys.executable, "-c", code, *names], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=True)
    return json.loads(result.stdout)


SAMPLE_ARGUMENTS = {"pk": 1, "number": 1, "cart_id": "abc", "product_id": 1, "shipment_id": 1, "edit_id": "abc",
                    "line_id": "abc", "return_number": 1, "quote_number": 1, "revision_id": "abc"}


def our_url_names(resolver=None, namespace=""):
    """(name, parameter names) of every named URL in our URL conf, the admin's aside."""
    from django.urls import URLPattern, URLResolver, get_resolver

    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from our_url_names(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", list(entry.pattern.regex.groupindex)


def sample_url(name, parameters):
    return reverse(name, kwargs={key: SAMPLE_ARGUMENTS[key] for key in parameters})


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at its lowest cost, for tests: the cost is written into each hash, so production's hasher
    (a gunicorn the tests start, say) verifies these too."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


def sales_summary():
    """The dashboard's summary: (day, channel, staff, orders, revenue, credited), (day, product, quantity, revenue)
    and (month, product, quantity, revenue) rows."""
    return (sorted(DailySales.objects.values_list("day", "channel", "staff_id", "orders", "revenue", "credited")),
            sorted(DailyProductSales.objects.values_list("day", "product_id", "quantity", "revenue")),
            sorted(MonthlyProductSales.objects.values_list("month", "product_id", "quantity", "revenue")))


def months_of(daily_product_rows) -> list[tuple]:
    """(day, product, quantity, revenue) rows added up by month and product, as the monthly rows should be."""
    months: dict = {}
    for day, product, quantity, revenue in daily_product_rows:
        key = (day.replace(day=1), product)
        found = months.get(key, (0, Decimal("0")))
        months[key] = (found[0] + quantity, found[1] + revenue)
    return sorted((*key, *figures) for key, figures in months.items())


def cart_price_url(cart_id: str, product_id: int) -> str:
    """Change price of a cart's line (the line goes in the query: the cart reverses one URL for every line)."""
    return f"{reverse('orders:cart_price', args=[cart_id])}?line={product_id}"


def edit_price_url(number: int, edit_id: str, product_id: int) -> str:
    return f"{reverse('orders:edit_price', args=[number, edit_id])}?line={product_id}"


def forms_by_action(html: bytes, page_url: str) -> dict[str, dict[str, str]]:
    """The fields of each form on a page, by the path it submits to, each with the value the page offers."""
    found: dict[str, dict[str, str]] = {}
    for form in LexborHTMLParser(html).css("form"):
        action = (form.attributes.get("action") or page_url).split("?")[0]
        fields = found.setdefault(action, {})
        for node in form.css("input[name], select[name], textarea[name]"):
            name = node.attributes["name"]
            if name != "csrfmiddlewaretoken":
                fields[name] = _offered(node)
    return found


def _offered(node) -> str:
    if node.tag == "select":
        option = node.css_first("option[selected]") or node.css_first("option")
        return (option.attributes.get("value") or "") if option else ""
    return node.attributes.get("value") or node.text() or ""


def ship_everything(order):
    """Ship what ``order`` has not shipped yet through the service (a carrier made for it); the order, refreshed."""
    from django.utils import timezone

    from orders.fulfilment.models import Carrier
    from orders.fulfilment.services import ShipmentRequest, shipment_record

    carrier, _ = Carrier.objects.get_or_create(name="Test carrier")
    shipment_record(order=order, request=ShipmentRequest(carrier=carrier, tracking_numbers=["1Z999"],
                                                         shipped_on=timezone.localdate()))
    order.refresh_from_db()
    return order


def return_goods(order, quantities: dict[str, int], *, receive: bool = True, refund_shipping: bool = False,
                 actor=None, **request):
    """A return of ``order``'s shipped lines (SKU -> quantity) through the services, received in full unless
    ``receive`` is False; any ReturnRequest field may be passed. The return and the credit memos receiving issued."""
    from orders.returns.services import ReturnRequest, return_create, return_receive

    lines = {line.sku: line.pk for line in order.lines.all()}
    ret = return_create(customer=order.customer, actor=actor, request=ReturnRequest(
        quantities={lines[sku]: quantity for sku, quantity in quantities.items()}, **request))
    if not receive:
        return ret, []
    receipt = return_receive(ret=ret, received={line.pk: line.quantity for line in ret.lines.all()},
                             refund_shipping=refund_shipping, actor=actor)
    order.refresh_from_db()
    return receipt.ret, receipt.credit_memos
