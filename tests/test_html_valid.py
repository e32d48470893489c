"""Every main page is valid HTML by the Nu Html Checker (vnu.jar, from npm), all pages in one Java run."""

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from oms.accounts.roles import MANAGER
from orders.ordering.stores import Cart
from orders.services import order_note_add
from tests.factories import OrderFactory, ProductFactory, UserFactory, customer_with_address
from tests.helpers import cart_price_url

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")


@pytest.fixture
def vnu():
    """The checker's command line; skipped locally when Java or vnu.jar is missing, a failure in CI."""
    missing = ("Java (apt-get install default-jre-headless)" if JAVA is None
               else f"{VNU} (npm ci)" if not VNU.exists() else None)
    if missing:
        message = f"the HTML validity test needs {missing}"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs both (.ci/run, make setup): missing means a broken run
        pytest.skip(message)
    return [JAVA, "-jar", str(VNU), "--format", "json", "--stdout"]


def new_cart(client, customer=None, lines=()) -> str:
    session = client.session
    cart = Cart.create(session, customer_id=customer.pk if customer else None)
    for product, quantity in lines:
        cart.add(product, quantity)
    session.save()
    return cart.id


@pytest.fixture
def pages(staff_client, checkout_setup):
    """(name, HTML) for each main screen, in the states staff meet it in."""
    customer = customer_with_address(first_name="Ada", last_name="Okafor", company="Harbor Marine",
                                     email="ada@harbor.example")
    lamp = ProductFactory(sku="LMP-004", name="Desk lamp, blue", stock=10)
    ProductFactory(sku="LMP-005", name="Desk lamp, red")
    order = OrderFactory(customer=customer, lines=[(lamp, 1)], shipping=checkout_setup[0])
    order_note_add(order=order, text="Call before delivery", visible_to_customer=True)
    empty = new_cart(staff_client)
    full = new_cart(staff_client, customer, [(lamp, 2)])

    def get(url, **params):
        return staff_client.get(url, params)

    def post(url, data):
        return staff_client.post(url, data)

    found = {
        "order-list": get(reverse("orders:list")),
        "order-list-filtered": get(reverse("orders:list"), status="placed", channel="phone", date_from="2026-01-01"),
        "order-list-filter-errors": get(reverse("orders:list"), status="lost", date_from="not a date"),
        "order": get(reverse("orders:detail", args=[order.number])),
        "order-email-error": post(reverse("orders:email", args=[order.number]), {"email": "not an email"}),
        "order-cancel": get(reverse("orders:cancel", args=[order.number])),
        "order-cancel-error": post(reverse("orders:cancel", args=[order.number]), {"reason": ""}),
        "customer-list": get(reverse("customers:list"), q="oka"),
        "customer": get(reverse("customers:detail", args=[customer.pk])),
        "customer-new": get(reverse("customers:create")),
        "customer-new-errors": post(reverse("customers:create"), {"last_name": ""}),
        "customer-edit": get(reverse("customers:edit", args=[customer.pk])),
        "product-list": get(reverse("catalog:list")),
        "cart-empty": get(reverse("orders:cart", args=[empty])),
        "cart-lines": get(reverse("orders:cart", args=[full])),
        "cart-add-error": post(reverse("orders:cart_add", args=[full]), {"query": "LMP-004", "quantity": "0"}),
        "cart-line-error": post(reverse("orders:cart_line", args=[full]), {"line": lamp.pk, "quantity": "0"}),
        "cart-choices": post(reverse("orders:cart_add", args=[full]), {"query": "desk", "quantity": "1"}),
        "identify": get(reverse("orders:identify", args=[empty])),
        "identify-results": get(reverse("orders:identify", args=[empty]), last_name="oka"),
        "identify-no-results": get(reverse("orders:identify", args=[empty]), last_name="Nobodyhere"),
        "identify-duplicate": post(reverse("orders:create_customer", args=[empty]), {
            "new-first_name": "Ann", "new-last_name": "Lee", "new-email": customer.email,
            "new-line1": "1 Elm St", "new-city": "Omaha", "new-country": "US"}),
        "cart-paste-refused": staff_client.post(reverse("orders:cart_paste", args=[full]),
                                                {"text": "LMP-004 2\nNOPE ²\nLMP\x00 1"}, follow=True),
        "cart-paste-error": post(reverse("orders:cart_paste", args=[empty]), {"text": " "}),
        "checkout": get(reverse("orders:checkout", args=[full])),
        "not-found": get("/no-such-page/"),
    }
    # Prices that bend: the forms brought on request as pages of their own, their errors, and a cart with an
    # override, a discount and a custom item.
    found |= {
        "cart-price": get(cart_price_url(full, lamp.pk)),
        "cart-price-error": post(cart_price_url(full, lamp.pk), {"price": "²", "reason": ""}),
        "cart-discount": get(reverse("orders:cart_discount", args=[full])),
        "cart-discount-error": post(reverse("orders:cart_discount", args=[full]), {"discount-discount": "101%"}),
        "cart-custom": get(reverse("orders:cart_custom", args=[full])),
        "cart-custom-error": post(reverse("orders:cart_custom", args=[full]), {"custom-unit_price": "x"}),
    }
    post(cart_price_url(full, lamp.pk), {"price": "5.00", "reason": "Price match"})
    post(reverse("orders:cart_discount", args=[full]), {"discount-discount": "10%", "discount-reason": "Loyal"})
    post(reverse("orders:cart_custom", args=[full]), {"custom-description": "Freight", "custom-unit_price": "9",
                                                          "custom-quantity": "1"})
    found["cart-priced"] = get(reverse("orders:cart", args=[full]))
    found["checkout-priced"] = get(reverse("orders:checkout", args=[full]))
    # The editing view before the order ships (a shipped order cannot be edited).
    edit = staff_client.post(reverse("orders:edit_start", args=[order.number])).url
    found["order-edit"] = get(edit)
    found["order-edit-errors"] = post(edit, {"billing-line1": "", "shipping_method": "²"})
    found["order-edit-choices"] = post(f"{edit}add/", {"query": "desk", "quantity": "1"})
    found["order-edit-paste-refused"] = staff_client.post(f"{edit}paste/", {"text": "NOPE 1\nLMP-005"}, follow=True)
    found["order-edit-line-error"] = post(f"{edit}lines/", {"line": lamp.pk, "quantity": "0"})
    found["order-edit-custom"] = get(f"{edit}custom/")
    found["order-edit-discount"] = get(f"{edit}discount/")
    found |= _fulfilment_pages(staff_client, order)
    found |= _returns_pages(staff_client, order, lamp, checkout_setup[0])
    visitor = Client()
    found["login"] = visitor.get(reverse("login"))
    visitor.force_login(UserFactory(username="outsider", is_staff=False))
    found["not-allowed"] = visitor.get(reverse("orders:list"))
    found["password-change"] = get(reverse("password_change"))
    manager = Client()
    mia = UserFactory(username="mia")
    mia.groups.add(Group.objects.get(name=MANAGER))
    manager.force_login(mia)
    found["two-factor-setup"] = manager.get(reverse("accounts:setup"))
    found["two-factor-code"] = manager.post(reverse("accounts:setup"), {"code": "000000"})

    expected = {"not-found": 404, "not-allowed": 403, "order-email-error": 400, "order-cancel-error": 400,
                "payment-error": 400, "shipment-error": 400,
                "order-list-filter-errors": 400, "order-edit-errors": 400, "cart-price-error": 400,
                "cart-discount-error": 400, "cart-custom-error": 400, "cart-add-error": 400, "cart-line-error": 400,
                "cart-paste-error": 400, "order-edit-line-error": 400, "return-new-error": 400,
                "return-receive-error": 400, "refund-error": 400, "credit-error": 400, "cancel-remaining-error": 400,
                "hold-error": 400,
                "two-factor-code": found["two-factor-code"].status_code}
    for name, response in found.items():
        assert response.status_code == expected.get(name, 200), name
    return {name: response.content for name, response in found.items()}


def _fulfilment_pages(client, order) -> dict:
    """Record payment, Mark shipped (and their errors), the order page after both, documents, the dashboard."""
    from django.utils import timezone

    from orders.fulfilment.models import Carrier
    from orders.fulfilment.services import ShipmentRequest, shipment_record
    from orders.payments.services import payment_record

    today = timezone.localdate()
    found = {
        "payment": client.get(reverse("orders:payment_new", args=[order.number])),
        "payment-error": client.post(reverse("orders:payment_new", args=[order.number]), {"amount": "-1"}),
        "shipment": client.get(reverse("orders:shipment_new", args=[order.number])),
        "shipment-error": client.post(reverse("orders:shipment_new", args=[order.number]), {"carrier": "x"}),
    }
    carrier = Carrier.objects.create(name="UPS")
    payment_record(order=order, amount=order.total, method="check", reference="1042", received_on=today)
    shipment_record(order=order, request=ShipmentRequest(carrier=carrier, tracking_numbers=["1Z999"], shipped_on=today))
    found |= {
        "order-fulfilled": client.get(reverse("orders:detail", args=[order.number])),
        "invoice": client.get(reverse("orders:invoice", args=[order.number])),
        "packing-slip": client.get(reverse("orders:packing_slip", args=[order.number])),
        "dashboard": client.get(reverse("orders:dashboard")),
    }
    return found


def _returns_pages(client, order, lamp, shipping) -> dict:
    """Return items (from the order and the customer record), the return and receiving it, the order page with
    returns, credit memos and refunds, Refund, Credit without a return, Cancel remaining items (and their errors)."""
    from django.utils import timezone

    from orders.fulfilment.services import ShipmentRequest, shipment_record
    from orders.payments.services import refund_record
    from orders.returns.services import ReturnRequest, return_create, return_receive

    line = order.lines.get()
    found = {
        "return-new": client.get(reverse("orders:return_new", args=[order.number])),
        "return-new-error": client.post(reverse("orders:return_new", args=[order.number]), {f"line_{line.pk}": "²"}),
        "customer-return-new": client.get(reverse("orders:return_new_for_customer", args=[order.customer_id])),
    }
    ret = return_create(customer=order.customer, request=ReturnRequest(quantities={line.pk: 1}, reason_text="Dim"))
    found |= {
        "return": client.get(reverse("orders:return_detail", args=[ret.number])),
        "return-receive": client.get(reverse("orders:return_receive", args=[ret.number])),
        "return-receive-error": client.post(reverse("orders:return_receive", args=[ret.number]),
                                            {f"line_{ret.lines.get().pk}": "9"}),
    }
    return_receive(ret=ret, received={ret.lines.get().pk: 1})
    found |= {
        "refund": client.get(reverse("orders:refund_new", args=[order.number])),
        "refund-error": client.post(reverse("orders:refund_new", args=[order.number]), {"amount": "-1"}),
        "credit": client.get(reverse("orders:credit_memo_new", args=[order.number])),
        "credit-error": client.post(reverse("orders:credit_memo_new", args=[order.number]), {"amount": "²"}),
    }
    refund_record(order=order, amount=Decimal("1.00"), method="check", reference="Check 2001")
    found["order-returned"] = client.get(reverse("orders:detail", args=[order.number]))
    found["return-received"] = client.get(reverse("orders:return_detail", args=[ret.number]))
    found["customer-returns"] = client.get(reverse("customers:detail", args=[order.customer_id]))
    partly = OrderFactory(customer=order.customer, lines=[(lamp, 2)], shipping=shipping)
    shipment_record(order=partly, request=ShipmentRequest(carrier=order.shipments.get().carrier, tracking_numbers=[],
                                                          shipped_on=timezone.localdate(),
                                                          quantities={partly.lines.get().pk: 1}))
    found |= {
        "order-partly-shipped": client.get(reverse("orders:detail", args=[partly.number])),
        "cancel-remaining": client.get(reverse("orders:cancel_remaining", args=[partly.number])),
        "cancel-remaining-error": client.post(reverse("orders:cancel_remaining", args=[partly.number]),
                                              {"reason": ""}),
        "hold": client.get(reverse("orders:hold", args=[partly.number])),
        "hold-error": client.post(reverse("orders:hold", args=[partly.number]), {"reason": ""}),
    }
    client.post(reverse("orders:hold", args=[partly.number]), {"reason": "Address to confirm"})
    found["order-on-hold"] = client.get(reverse("orders:detail", args=[partly.number]))
    found["invoice-on-hold"] = client.get(reverse("orders:invoice", args=[partly.number]))
    return found


def test_every_page_is_valid_html(vnu, pages, tmp_path):
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(html)
        files.append(str(path))

    checked = subprocess.run(vnu + files, capture_output=True, text=True, timeout=120)

    messages = json.loads(checked.stdout)["messages"]
    errors = [
        f"{Path(message.get('url', '?')).name}:{message.get('lastLine', '?')}: {message['message']}"
        for message in messages
        if message["type"] != "info"  # "info" with subType "warning" is advice, not an error
    ]
    assert errors == [], "\n".join(errors)
