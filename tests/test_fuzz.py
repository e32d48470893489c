"""No input gives a 500: hostile values (non-ASCII digits, NUL and control characters, 10,000-character
strings, huge numbers, emoji, HTML) in every form field and every query parameter of every URL of ours,
by GET and by POST, logged in as each role; refused input changes nothing in the database.

Each URL gets FUZZ_EXAMPLES generated requests per method and role (a few, in `make test`); for a longer run:
``OMS_FUZZ_EXAMPLES=200 .venv/bin/python -m pytest tests/test_fuzz.py``.
"""

import os
from dataclasses import dataclass
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from catalog.models import Product, StockReservation
from customers.models import Address, Customer
from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY
from oms.webhooks.models import Delivery, Endpoint
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.models import (
    CreditMemo,
    Order,
    OrderEvent,
    OrderLine,
    Quote,
    QuoteEvent,
    QuoteVersion,
    Refund,
    Return,
    ReturnLine,
    StoreCredit,
)
from orders.ordering.selectors import new_lines_review
from orders.ordering.stores import Cart
from orders.payments.services import payment_record
from orders.pricing.models import ShippingMethod, TaxRate
from orders.quotes.services import QuoteTerms, quote_create
from orders.returns.services import ReturnRequest, return_create
from tests.factories import (
    OrderFactory,
    ProductFactory,
    ShippingMethodFactory,
    TaxRateFactory,
    customer_with_address,
)
from tests.helpers import add, forms_by_action, logged_in, our_url_names, start_cart

FUZZ_EXAMPLES = int(os.environ.get("OMS_FUZZ_EXAMPLES", "2"))

# Not fuzzed: logging out would end the session the rest of the run uses; the login page has its own tests
# (tests/accounts/test_lockout.py) and would lock the test's address out.
SKIPPED = {"logout", "login"}
# Query parameters our pages read besides their forms' fields.
QUERY_PARAMETERS = ["q", "after", "before", "query", "next", "customer_id", "product_id"]

NASTY = [
    "²", "٣", "１２", "߁", "\x00", "a\x00b", "%00", "\x01\x08\x1b\x7f", "\u202e\u200b", "x" * 10_000,
    "9" * 5_000, str(2**63), str(-(2**63) - 1), "1e309", "-1e309", "NaN", "Infinity", "-0", "0", "-1", "1.5",
    "😀" * 40, "<script>alert(1)</script>", "\"'><img src=x>", "' OR 1=1 --", "../../etc/passwd", "", " ",
    "a " * 3_000, "W10." + "A" * 43,
]
HOSTILE = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=25),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "So"]), min_size=1, max_size=25),
)


def database_state() -> list:
    """Every row a request could change (sessions, second-factor throttling and login attempts aside)."""
    models = [Customer, Address, Product, Order, OrderLine, OrderEvent, ShippingMethod, TaxRate, User, Group,
              LogEntry, Return, ReturnLine, CreditMemo, Refund, StoreCredit, Quote, QuoteVersion, QuoteEvent,
              StockReservation, Endpoint, Delivery]
    return [sorted(model.objects.values_list(), key=repr) for model in models] + [
        sorted(User.groups.through.objects.values_list("user_id", "group_id"))]


@dataclass
class Target:
    url: str
    name: str
    fields: dict[str, str]  # name -> the value the page offers (a good value to mix with hostile ones)


class World:
    """A user of ``role`` with a customer, an order, a product and an order in progress to aim at."""

    def __init__(self, role: str):
        ShippingMethodFactory(), TaxRateFactory()
        self.customer = customer_with_address(last_name="Fuzz")
        self.product = ProductFactory(sku="FUZZ-1", stock=1_000)
        self.order = OrderFactory(customer=self.customer, lines=[(self.product, 1)])
        # something paid, so that Refund's form is drawn (and fuzzed)
        payment_record(order=self.order, amount=Decimal("1.00"), method="check", received_on=timezone.localdate())
        self.client, user = logged_in(role, "fuzzer")
        self.client.raise_request_exception = False  # a 500 is a response to report, with what was sent
        cart_id = "abc"
        if user.has_perm("orders.place_order"):
            cart_id = start_cart(self.client, self.customer)
            add(self.client, cart_id, "FUZZ-1")
        edit_id = "abc"
        if user.has_perm("orders.edit_order"):  # an edit of the order in progress, to aim its pages at
            edit_id = self.client.post(reverse("orders:edit_start", args=[self.order.number])).url.split("/")[-2]
        shipped = OrderFactory(customer=self.customer, lines=[(self.product, 2)])  # a shipment to aim at
        request = ShipmentRequest(carrier=Carrier.objects.create(name="UPS"), tracking_numbers=["1Z999"],
                                  shipped_on=timezone.localdate())
        shipment = shipment_record(order=shipped, request=request)
        # a return of one of the two shipped, to receive (the other may still come back from the customer record)
        ret = return_create(customer=self.customer, request=ReturnRequest(quantities={shipped.lines.get().pk: 1}))
        # a quote of the order's lines, and (for those who may) a revision of it in progress
        lines = Cart({}, "fuzz", {"lines": [{"product_id": self.product.pk, "quantity": 2, "price_seen": ""}]})
        quote, _ = quote_create(review=new_lines_review(lines, self.customer), actor=None, token="fuzz",
                                terms=QuoteTerms(valid_until=timezone.localdate(), reserve_stock=True))
        revision_id = "abc"
        if user.has_perm("orders.change_quote"):
            revision_id = self.client.post(reverse("orders:quote_revise", args=[quote.number])).url.split("/")[-2]
        self.arguments = {"pk": self.customer.pk, "number": self.order.number, "cart_id": cart_id,
                          "product_id": self.product.pk, "edit_id": edit_id, "shipment_id": shipment.pk,
                          "line_id": "abc", "return_number": ret.number, "quote_number": quote.number,
                          "revision_id": revision_id}

    def targets(self) -> list[Target]:
        """Every URL of ours with the fields of every form (on any page) that submits to it."""
        from django.urls import reverse

        urls = {name: reverse(name, kwargs={key: self.arguments[key] for key in parameters})
                for name, parameters in our_url_names() if name not in SKIPPED} | admin_urls()
        fields: dict[str, dict[str, str]] = {}
        for url in urls.values():
            page = self.client.get(url)
            if page.status_code == 200 and page.get("Content-Type", "").startswith("text/html"):
                for action, offered in forms_by_action(page.content, url).items():
                    fields.setdefault(action, {}).update(offered)
        return [Target(url, name, {key: "" for key in QUERY_PARAMETERS} | fields.get(url, {}))
                for name, url in urls.items()]


def admin_urls() -> dict[str, str]:
    """Each admin model's list, add form and the change form of its first row."""
    from django.contrib import admin
    from django.urls import reverse

    urls = {}
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls[f"{prefix}_changelist"] = reverse(f"{prefix}_changelist")
        urls[f"{prefix}_add"] = reverse(f"{prefix}_add")
        if first := model._default_manager.order_by("pk").first():
            urls[f"{prefix}_change"] = reverse(f"{prefix}_change", args=[first.pk])
    return urls


def refused(response, method: str) -> bool:
    """Turned away (4xx), or a form shown again with its errors rather than a redirect."""
    html = response.get("Content-Type", "").startswith("text/html")
    return response.status_code >= 400 or (method == "post" and response.status_code == 200 and html)


def fuzz(world: World, target: Target, method: str) -> None:
    values = st.fixed_dictionaries({name: st.one_of(HOSTILE, st.just(good)) for name, good in target.fields.items()})

    # No shrinking: a request costs milliseconds and a failure is readable as it is.
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              derandomize=not os.environ.get("OMS_FUZZ_EXAMPLES"), suppress_health_check=list(HealthCheck))
    @given(values)
    def request(data):
        before = database_state()
        response = getattr(world.client, method)(target.url, data)
        assert response.status_code < 500, f"{method.upper()} {target.name} {data!r:.500}"
        if refused(response, method):
            assert database_state() == before, f"refused {method.upper()} {target.name} changed data: {data!r:.500}"

    request()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ORDER_ENTRY, MANAGER, ADMINISTRATOR])  # staff with no role: tests/test_access.py
def test_no_input_gives_a_server_error_or_changes_data_when_refused(role):
    world = World(role)
    targets = world.targets()
    assert {target.name for target in targets} >= {"orders:checkout", "customers:edit", "orders:cancel"}
    for target in targets:
        for method in ("get", "post"):
            if os.environ.get("OMS_FUZZ_VERBOSE"):
                print(role, target.name, method, flush=True)
            fuzz(world, target, method)


# The REST API (oms.api): hostile JSON values (and the JSON types a form never sees: null, numbers, lists, objects)
# in every field of every write endpoint, and in the Idempotency-Key, with a Manager's token.
JSON_HOSTILE = st.one_of(HOSTILE, st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40),
                         st.lists(st.sampled_from(NASTY), max_size=2), st.just({"x": "\x00"}))


def api_targets(world: World) -> list[tuple[str, str, dict]]:
    """(method, url, {field: a good value}) of each write endpoint; dotted names are nested objects."""
    number, carrier = world.order.number, Carrier.objects.get(name="UPS").pk
    today = str(timezone.localdate())
    address = {"address.line1": "1 Main", "address.city": "Town", "address.region": "", "address.postal_code": "1",
               "address.country": "US"}
    return [
        ("post", reverse("api:customers"), {"first_name": "Pat", "last_name": "Doe", "email": "", **address}),
        ("patch", reverse("api:customer", args=[world.customer.pk]), {"company": "Acme", "phone": "1"}),
        ("post", reverse("api:orders"), {"customer": world.customer.pk, "lines.sku": "FUZZ-1", "lines.quantity": 1,
                                         "shipping_method": "", "payment_method": "check", "channel": "phone",
                                         "staff_note": "", "send_confirmation": False, "billing_address.line1": "1"}),
        ("patch", reverse("api:order", args=[number]), {"version": world.order.version, "lines.sku": "FUZZ-1",
                                                        "lines.quantity": 1, "shipping_method": "",
                                                        "send_confirmation": False, "shipping_address.line1": "1"}),
        ("post", reverse("api:order_hold", args=[number]), {"reason": "Check"}),
        ("post", reverse("api:order_release", args=[number]), {"note": ""}),
        ("post", reverse("api:order_payments", args=[number]), {"amount": "1.00", "method": "check",
                                                                "received_on": today, "reference": ""}),
        ("post", reverse("api:order_shipments", args=[number]), {"carrier": carrier, "shipped_on": today,
                                                                 "tracking_numbers": "1Z999", "quantities": {}}),
        ("post", reverse("api:order_cancel", args=[number]), {"reason": "Asked"}),
        ("get", reverse("api:orders"), {"q": "", "after": "", "status": "", "date_from": "", "taken_by": ""}),
        ("get", reverse("api:products"), {"q": "", "after": "", "price_for": ""}),
    ]


def nested(flat: dict) -> dict:
    """{"a.b": 1} as {"a": {"b": 1}}; "lines.x" as a list of one line."""
    body: dict = {}
    for name, value in flat.items():
        head, _, rest = name.partition(".")
        if rest:
            body.setdefault(head, {})[rest] = value
        else:
            body[name] = value
    if "lines" in body:
        body["lines"] = [body["lines"]]
    return body


def api_fuzz(client, method: str, url: str, fields: dict) -> None:
    values = st.fixed_dictionaries({name: st.one_of(JSON_HOSTILE, st.just(good)) for name, good in fields.items()})

    @settings(max_examples=max(FUZZ_EXAMPLES, 5), deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              derandomize=not os.environ.get("OMS_FUZZ_EXAMPLES"), suppress_health_check=list(HealthCheck))
    @given(values, st.sampled_from(NASTY))
    def request(data, key):
        before = database_state()
        if method == "get":
            response = client.get(url, {name: str(value) for name, value in data.items()})
        else:
            response = getattr(client, method)(url, nested(data), content_type="application/json",
                                               HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code < 500, f"{method.upper()} {url} {data!r:.500}"
        if response.status_code >= 400:
            assert database_state() == before, f"refused {method.upper()} {url} changed data: {data!r:.500}"

    request()


@pytest.mark.django_db
def test_no_input_to_the_api_gives_a_server_error_or_changes_data_when_refused():
    from django.test import Client

    from oms.api.services import api_token_create
    from tests.helpers import verified

    world = World(MANAGER)
    user = User.objects.get(username="fuzzer")
    verified(Client(), user)  # a Manager's token needs an authenticator
    _, key = api_token_create(user=user, name="Fuzz")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", raise_request_exception=False)
    for method, url, fields in api_targets(world):
        api_fuzz(client, method, url, fields)
