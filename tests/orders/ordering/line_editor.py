"""The line editor as staff reach it through its URLs, on either store (a new order in the session, a placed order
being edited): shared by the line editor's tests (conftest.py gives them the ``editor`` fixtures)."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from catalog.models import Product
from orders.models import Order
from orders.ordering.stores import Cart, OrderEdit
from tests.factories import OrderFactory, customer_with_address
from tests.helpers import add, start_cart

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lines-body"}


@dataclass
class Editor:
    """One store's lines as staff see them through the URLs, and the store as kept in the session."""

    kind: str
    client: Client
    args: tuple
    order: Order | None = None

    @property
    def page(self) -> str:
        return reverse(f"orders:{self.kind}", args=self.args)

    def url(self, action: str) -> str:
        return reverse(f"orders:{self.kind}_{action}", args=self.args)

    def post(self, action: str, data: dict, **headers):
        return self.client.post(self.url(action), data, **headers)

    def add(self, query, quantity=1, **extra):
        return self.post("add", {"query": query, "quantity": quantity, **extra})

    def store(self):
        session = self.client.session
        return Cart.get(session, self.args[0]) if self.kind == "cart" else OrderEdit.get(session, self.args[1],
                                                                                          self.order)

    def quantities(self) -> dict[str, int]:
        skus = dict(Product.objects.values_list("pk", "sku"))
        return {skus[pk]: quantity for pk, quantity in self.store().quantities.items()}


def open_editor(kind: str, client, lines, shipping, customer=None) -> Editor:
    """``lines`` ((product, quantity) pairs) in a new cart, or ordered and then opened in Edit order."""
    customer = customer or customer_with_address()
    if kind == "cart":
        cart_id = start_cart(client, customer)
        for product, quantity in lines:
            assert add(client, cart_id, product.sku, quantity).status_code == 302
        return Editor(kind, client, (cart_id,))
    order = OrderFactory(customer=customer, lines=lines, shipping=shipping)
    edit_url = client.post(reverse("orders:edit_start", args=[order.number])).url
    return Editor(kind, client, (order.number, re.search(r"/edit/([^/]+)/$", edit_url).group(1)), order)


def keep() -> Product:
    return Product.objects.get(sku="KEEP")


def field_error(response, form_name: str, field: str) -> str:
    return " ".join(response.context[form_name].errors.get(field, []))


def price_url(editor, product) -> str:
    return f"{editor.url('price')}?line={product.pk}"
