"""Orders the stock cannot cover yet, as a Manager meets them: Receive stock allocating to 200 orders waiting on
backorder, the cart with a line on backorder (and the attached customer's credit panel), the order page of a
backordered order, and the order list filtered by Backordered and by On hold.

The waiting orders are real ones, placed through order_place for a product of the bench's own that allows
backorders; a later run tops them up to 200. They are all the third customer's with a billing address: the first
has the 50-line carts and quote of the other sections (when the lamps were theirs, Last ordered read 400 lines of
one lamp, about 5 ms of each of those carts), the second a type with a price table. The receipt is timed in a
transaction that is rolled back."""

import uuid
from functools import partial

from django.test import Client
from django.urls import reverse

from catalog.models import Product
from customers.models import Customer
from orders.changes.services import order_hold
from orders.lifecycle import ON_HOLD
from orders.models import Order, OrderLine
from orders.ordering.checkout import DraftLine, OrderDraft
from orders.ordering.placing import order_place
from orders.ordering.stores import Cart
from orders.pricing.models import ShippingMethod
from orders.stock.services import stock_receive

from .measure import Row, rolled_back, time_ms, within
from .pages import PageBench, page_row

SECTION = "10. Backorders and holds"
_page = partial(page_row, SECTION)  # a page of this section: _page(bench, case, url, limit)
WAITING = 200
HELD = 30
SKU = "BENCH-BACKORDER"


def waiting_orders(user) -> tuple[Product, Customer]:
    """The bench's backorderable product (no stock) and 200 open orders waiting for a unit of it each, some held."""
    product, _ = Product.objects.get_or_create(sku=SKU, defaults={"name": "Bench backordered lamp", "price": 25,
                                                                   "stock": 0, "allow_backorders": True})
    customer = Customer.objects.exclude(default_billing_address=None).order_by("pk")[2:3].get()
    address = customer.default_billing_address.as_snapshot()
    shipping = ShippingMethod.objects.filter(is_active=True).first()
    waiting = OrderLine.objects.filter(product=product, quantity_backordered__gt=0).count()
    for _ in range(WAITING - waiting):
        order_place(placed_by=user, draft=OrderDraft(
            token=uuid.uuid4(), customer_id=customer.pk, lines=(DraftLine(product.pk, 1),), billing_address=address,
            shipping_address=address, shipping_method_id=shipping.pk, payment_method="check"))
    held = Order.objects.filter(on_hold=True).count()
    for order in Order.objects.filter(backordered=True, on_hold=False).order_by("number")[:max(0, HELD - held)]:
        order_hold(order=order, reason="Bench: payment to check", actor=user)
    return product, customer


def rows(client: Client, bench: PageBench, user) -> list[Row]:
    product, customer = waiting_orders(user)
    session = client.session
    cart = Cart.create(session, customer_id=customer.pk)
    cart.add(product, 5)  # nothing in stock: all 5 on backorder
    session.save()
    orders = reverse("orders:list")
    order = Order.objects.filter(backordered=True).order_by("-number").first()
    receipt = time_ms(lambda: rolled_back(lambda: stock_receive(quantities={product.pk: WAITING}, actor=user)),
                      repeats=bench.repeats)
    return [
        Row(SECTION, f"Receive stock allocating to {WAITING} waiting orders (service)", receipt,
            target="<= 200 ms", met=within(receipt, 200)),
        _page(bench, "cart with a line on backorder and the credit panel", reverse("orders:cart", args=[cart.id])),
        _page(bench, "order page of a backordered order", order.get_absolute_url()),
        _page(bench, "order list, Backordered", f"{orders}?backordered=1"),
        _page(bench, "order list, Status On hold", f"{orders}?status={ON_HOLD}"),
    ]

