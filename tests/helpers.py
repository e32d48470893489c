"""What many tests share: placing an order through the service, driving the ordering screens
with the test client, and running code in concurrent PostgreSQL sessions."""

import re
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from orders.drafts import DraftLine, OrderDraft
from orders.services import PlacedOrder, order_place

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
    data = {}
    for form in (response.context["form"], response.context["billing_form"], response.context["shipping_form"]):
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
