"""Pricing at scale: the cart and checkout review for a customer with a price table, the tax lookup for a
destination, and the order service with price levels and a tax table beside the bare-ORM floor.

The bench's own customer type, its prices and the tax rows are made here, idempotently (the seed generator
knows nothing of them): a second run finds them and changes nothing."""

from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Product
from customers.models import Customer, CustomerType, TypePrice
from orders.ordering.stores import Cart
from orders.pricing.models import TaxRate
from orders.pricing.selectors import tax_for

from . import placing
from .measure import Row, time_ms, within

BENCH_TYPE = "Bench wholesale"
TAX_ROWS = [  # (jurisdiction, country, region, rate, shipping taxed)
    ("Bench default", "", "", Decimal("5.000"), False),
    ("Bench United States", "US", "", Decimal("6.000"), False),
    ("Bench Oregon", "US", "OR", Decimal("0.000"), False),
    ("Bench Washington", "US", "WA", Decimal("10.250"), True),
    ("Bench New York", "US", "NY", Decimal("8.875"), True),
]


def bench_type() -> CustomerType:
    kind, _ = CustomerType.objects.get_or_create(name=BENCH_TYPE, defaults={"percent_off": Decimal("12.5"),
                                                                           "payment_terms_days": 30})
    return kind


def tax_table() -> None:
    for name, country, region, rate, shipping in TAX_ROWS:
        TaxRate.objects.get_or_create(name=name, country=country, region=region,
                                      defaults={"rate": rate, "tax_shipping": shipping})


def price_table(kind: CustomerType, products) -> None:
    """The type's own price for every other product (the rest take its percent off list)."""
    cents = Decimal("0.01")
    TypePrice.objects.bulk_create([TypePrice(customer_type=kind, product=product,
                                             price=(product.price * Decimal("0.8")).quantize(cents))
                                   for product in products[::2]], ignore_conflicts=True)


def priced_carts(client: Client, *, lines: int) -> dict[str, str]:
    """Carts of 1 and ``lines`` lines for a customer of the bench type, whose type has a price table."""
    products = list(Product.objects.filter(is_active=True).filter(Q(stock__gte=10) | Q(track_inventory=False))
                    .order_by("pk")[:lines])
    kind = bench_type()
    price_table(kind, products)
    tax_table()
    customer = Customer.objects.exclude(default_billing_address=None).order_by("pk")[1:2].get()
    if customer.customer_type_id != kind.pk:
        Customer.objects.filter(pk=customer.pk).update(customer_type=kind)
    session = client.session
    one, full = Cart.create(session, customer_id=customer.pk), Cart.create(session, customer_id=customer.pk)
    one.add(products[0], 1)
    for product in products:
        full.add(product, 1)
    full.set_price(products[1].pk, price=products[1].price / 2, reason="Bench override", by=None)
    full.set_discount(text="5%", reason="Bench discount", by=None)
    session.save()
    return {"one": one.id, "full": full.id, "lines": str(len(products))}


def page_rows(bench, client: Client) -> list[Row]:
    section = "3. Order list, customer page, cart and checkout"
    cart_ids = priced_carts(client, lines=50)
    rows = []
    for key, label in (("one", "1 line"), ("full", f"{cart_ids['lines']} lines")):
        for page, name in (("cart", "orders:cart"), ("checkout review", "orders:checkout")):
            timing, details = bench.measure(reverse(name, args=[cart_ids[key]]))
            rows.append(Row(section, f"{page} with {label}, price-table customer (override, discount)", timing,
                            target="<= 25 ms, same queries at 1 and 50 lines", met=within(timing, 25),
                            extra=details))
    return rows + [tax_lookup_row(section)]


def tax_lookup_row(section: str) -> Row:
    tax_table()
    address = {"country": "US", "region": "WA"}
    with CaptureQueriesContext(connection) as captured:
        rule = tax_for(address)
    timing = time_ms(lambda: tax_for(address), repeats=50, warmup=2)
    return Row(section, f"tax lookup for a destination (US/WA: {rule.jurisdiction})", timing, target="1 query",
               met=len(captured.captured_queries) == 1, extra={"queries": len(captured.captured_queries)})


def service_rows(user, *, orders: int, rounds: int) -> list[Row]:
    """order_place for customers of a type with a price table, shipping to addresses under a tax table, beside
    the bare-ORM floor writing the same rows."""
    section = f"4. Placing orders ({placing.LINES} lines each): order service vs bare-ORM floor"
    staged = placing.stage(user, seed=8)  # other customers than the plain rows' (seed 7)
    kind = bench_type()
    price_table(kind, staged.products)
    tax_table()
    Customer.objects.filter(pk__in=[customer[0] for customer in staged.customers]).exclude(
        customer_type=kind).update(customer_type=kind)
    serial = {writer: [] for writer in placing.WRITERS}
    for index in range(rounds):
        for writer in placing.WRITERS:
            serial[writer].append(placing.run_serial(staged, writer, orders, seed=index))
    return (placing.pair(section, "1 process, price levels and a tax table", serial, target=0.5)
            + placing.pair(section, "1 process, price levels and a tax table, the floor also writing the timeline "
                           "event and dashboard summary", {"ours": serial["ours"], "floor": serial["floor, same rows"]},
                           target=0.5)[1:])

