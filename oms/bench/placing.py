"""Orders per second through order_place, beside the floor: the same rows written by the bare
ORM (atomic, one insert for the order, one bulk insert of lines, conditional stock updates)."""

import functools
import random
import threading
import time
import uuid
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import F

from catalog.models import Product
from customers.models import Customer
from orders.events import order_placed_event
from orders.models import Order, OrderLine
from orders.ordering.checkout import DraftLine, OrderDraft
from orders.ordering.placing import order_place
from orders.pricing.models import ShippingMethod
from orders.pricing.selectors import tax_for
from orders.pricing.totals import line_total, order_totals
from orders.reporting.sales import sales_add

from .measure import Row, at_least, stats

LINES = 3


@dataclass(frozen=True)
class Stage:
    """What both writers need, loaded once: products with stock to spare, customers, shipping."""

    products: list[Product]
    customers: list[tuple[int, str, str, dict]]
    shipping: ShippingMethod
    tax: object  # the default tax rule (orders.pricing.TaxRule)
    user: object


def stage(user, *, seed: int = 7) -> Stage:
    products = list(Product.objects.filter(is_active=True, track_inventory=True, stock__gte=100)
                    .order_by("-stock", "pk")[:300])
    if len(products) < LINES:
        raise RuntimeError("Placing orders needs at least three active products with stock.")
    top = Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rng = random.Random(seed)
    wanted = {rng.randint(1, top) for _ in range(400)}
    customers = [
        (customer.pk, customer.name, customer.email, customer.default_billing_address.as_snapshot())
        for customer in Customer.objects.filter(pk__in=wanted).exclude(default_billing_address=None)
        .select_related("default_billing_address")
    ]
    return Stage(products, customers, ShippingMethod.objects.filter(is_active=True).first(), tax_for(None), user)


def place_ours(staged: Stage, rng: random.Random) -> None:
    customer_id, _, _, address = rng.choice(staged.customers)
    draft = OrderDraft(
        token=uuid.uuid4(), customer_id=customer_id,
        lines=tuple(DraftLine(product.pk, 1) for product in rng.sample(staged.products, LINES)),
        billing_address=address, shipping_address=address, shipping_method_id=staged.shipping.pk,
        payment_method=Order.PaymentMethod.ON_ACCOUNT,
    )
    order_place(draft=draft, placed_by=staged.user)


def place_floor(staged: Stage, rng: random.Random, *, same_rows: bool = False) -> None:
    """The bare ORM's order, lines and stock; with ``same_rows`` also what order_place writes beside them since
    the timeline and the dashboard came (one event, the day's summary rows)."""
    customer_id, name, email, address = rng.choice(staged.customers)
    chosen = sorted(rng.sample(staged.products, LINES), key=lambda product: product.pk)
    totals = order_totals(lines=[line_total(product.price, 1) for product in chosen],
                          shipping=staged.shipping.price, tax=staged.tax)
    with transaction.atomic():
        order = Order.objects.create(
            checkout_token=uuid.uuid4(), customer_id=customer_id, placed_by=staged.user,
            customer_name=name, customer_email=email, billing_address=address, shipping_address=address,
            shipping_method=staged.shipping.name, payment_method=Order.PaymentMethod.ON_ACCOUNT,
            subtotal=totals.subtotal, shipping=totals.shipping, tax_rate=totals.tax_rate, tax=totals.tax,
            total=totals.total,
        )
        lines = OrderLine.objects.bulk_create([
            OrderLine(order=order, product=product, sku=product.sku, name=product.name, unit_price=product.price,
                      quantity=1, line_total=line_total(product.price, 1))
            for product in chosen
        ])
        if same_rows:
            order_placed_event(order=order, actor=staged.user, total=totals.total, lines=len(lines))
            sales_add(order=order, lines=lines)
        for product in chosen:
            if not Product.objects.filter(pk=product.pk, stock__gte=1).update(stock=F("stock") - 1):
                raise RuntimeError(f"{product.sku} ran out of stock during the benchmark")


WRITERS = {"ours": place_ours, "floor": place_floor,
           "floor, same rows": functools.partial(place_floor, same_rows=True)}


def run_serial(staged: Stage, writer: str, orders: int, seed: int) -> float:
    """Orders per second, one after another in this process."""
    return run_serial_with(WRITERS[writer], staged, orders, seed)


def run_serial_with(place, staged: Stage, orders: int, seed: int) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    for _ in range(orders):
        place(staged, rng)
    return orders / (time.perf_counter() - started)


def _worker(staged: Stage, writer: str, orders: int, seed: int, barrier, errors: list) -> None:
    try:
        barrier.wait(timeout=60)
        rng = random.Random(seed)
        for _ in range(orders):
            WRITERS[writer](staged, rng)
    except Exception as error:  # reported to the caller, which fails the benchmark
        errors.append(repr(error))
    finally:
        connections.close_all()  # this thread's own connection


def run_concurrent(staged: Stage, writer: str, *, workers: int, orders: int, seed: int) -> float:
    """Orders per second with ``workers`` threads, each with its own database connection (Django's
    connections are per thread). Threads rather than processes: forked children would inherit
    the parent's socket, and on two cores the database's share of the work dominates anyway."""
    barrier, errors = threading.Barrier(workers + 1), []
    threads = [threading.Thread(target=_worker, args=(staged, writer, orders, seed + index, barrier, errors))
               for index in range(workers)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.perf_counter() - started
    if errors or any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"order workers failed: {errors[0] if errors else 'still running'}")
    return workers * orders / elapsed


def service_rows(user, *, orders: int, rounds: int, workers: int, worker_orders: int) -> list[Row]:
    section = f"4. Placing orders ({LINES} lines each): order service vs bare-ORM floor"
    staged = stage(user)
    serial = {writer: [] for writer in WRITERS}
    for index in range(rounds):
        for writer in WRITERS:
            serial[writer].append(run_serial(staged, writer, orders, seed=index))
    rows = pair(section, "1 process", serial, target=0.5)
    rows += pair(section, "1 process, the floor also writing the timeline event and dashboard summary",
                 {"ours": serial["ours"], "floor": serial["floor, same rows"]}, target=0.5)[1:]
    if connection.vendor != "postgresql":
        return rows + [Row(section, f"{workers} workers", "skipped: needs PostgreSQL", unit="")]
    concurrent = {writer: [] for writer in ("ours", "floor")}
    for index in range(max(1, rounds - 1)):
        for writer in concurrent:
            concurrent[writer].append(run_concurrent(staged, writer, workers=workers, orders=worker_orders,
                                                     seed=100 + index * workers))
    return rows + pair(section, f"{workers} worker threads", concurrent, target=None)


def pair(section: str, label: str, rates: dict[str, list[float]], target: float | None) -> list[Row]:
    ours, floor = stats(rates["ours"]), stats(rates["floor"])
    share = ours.median / floor.median
    return [
        Row(section, f"order service, {label}", ours, unit="orders/s"),
        Row(section, f"bare-ORM floor, {label}", floor, unit="orders/s"),
        Row(section, f"ours / floor, {label}", f"{share:.0%}", unit="",
            target=f">= {target:.0%}" if target else "", met=at_least(share, target) if target else None),
    ]
