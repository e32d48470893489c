import re

import pytest
from django.urls import reverse


@pytest.fixture
def new_cart(staff_client):
    """Start an order from the order list (New) and return its cart id."""

    def start(customer=None) -> str:
        data = {"customer_id": customer.pk} if customer else {}
        response = staff_client.post(reverse("orders:new"), data)
        assert response.status_code == 302
        return re.search(r"/orders/cart/([^/]+)/", response.url).group(1)

    return start


def checkout_form(client, cart_id: str, **changes) -> dict:
    """The checkout form as the browser would submit it with its defaults, plus changes."""
    response = client.get(reverse("orders:checkout", args=[cart_id]))
    assert response.status_code == 200, response.content[:500]
    context = response.context
    data = {}
    for form in (context["form"], context["billing_form"], context["shipping_form"]):
        for bound in form:
            value = bound.value()
            if bound.field.disabled:
                continue
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = str(value)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
