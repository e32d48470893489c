"""Scale data for benchmarks: a million customers, 100k products, a million orders, in minutes.

Replaces every customer, address, product, order and line with generated ones (deterministic
for a seed) and records what it wrote beside it (oms/bench/datasets.py). A database that holds
customers, products or orders without that record is refused unless --force. Columns the rows
leave out get their field's default from the loader (oms/bench/bulk_load.py).
"""

import sys
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from catalog.models import Product
from customers.models import Address, Customer
from oms.bench import datasets
from oms.bench.bulk_load import Loader
from oms.bench.scale_data import CARRIER, SHIPPING, TAX_RATE, ScaleData
from orders.fulfilment.models import Carrier, Shipment, ShipmentLine
from orders.models import Order, OrderEvent, OrderLine
from orders.payments.models import Payment
from orders.pricing.models import ShippingMethod, TaxRate
from orders.reporting.sales import sales_rebuild

CUSTOMER_FIELDS = ["id", "first_name", "last_name", "company", "email", "phone", "notes",
                   "default_billing_address", "default_shipping_address", "created_at", "updated_at"]
ADDRESS_FIELDS = ["id", "customer", "name", "company", "line1", "line2", "city", "region", "postal_code",
                  "country", "phone"]
PRODUCT_FIELDS = ["id", "sku", "name", "description", "price", "stock", "track_inventory", "is_active",
                  "created_at", "updated_at"]
ORDER_FIELDS = ["number", "checkout_token", "customer", "status", "channel", "placed_by", "customer_name",
                "customer_email", "billing_address", "shipping_address", "shipping_method", "payment_method",
                "payment_reference", "subtotal", "shipping", "tax_rate", "tax", "total", "staff_note",
                "customer_note", "confirmation_state", "confirmation_sent_at", "confirmation_error", "created_at",
                "amount_paid", "payment_status"]
LINE_FIELDS = ["id", "order", "product", "sku", "name", "unit_price", "quantity", "line_total", "quantity_shipped"]
# What followed the orders (oms.bench.scale_data.History), in the order the chunk's lists hold them.
HISTORY = [
    ("events", OrderEvent, ["id", "order", "kind", "created_at", "message", "data"]),
    ("payments", Payment, ["id", "order", "amount", "method", "reference", "received_on", "created_at"]),
    ("shipments", Shipment, ["id", "order", "tracking_numbers", "shipped_on", "created_at", "email_to",
                             "email_state", "email_sent_at", "carrier"]),
    ("shipment_lines", ShipmentLine, ["id", "shipment", "order_line", "quantity"]),
]


class Command(BaseCommand):
    help = "Replace customers, products and orders with deterministic scale data (COPY on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=1_000_000)
        parser.add_argument("--products", type=int, default=100_000)
        parser.add_argument("--orders", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true",
                            help="Delete customers, products and orders that seed_scale did not write.")

    def handle(self, *args, customers, products, orders, seed, force, verbosity, **options):
        if min(customers, products, orders) < 0 or (orders and not (customers and products)):
            raise CommandError("Sizes must be positive; orders need at least one customer and one product.")
        if datasets.holds_other_data() and not force:
            raise CommandError("This database holds customers, products or orders that seed_scale did not "
                               "write; they would be deleted. Use --force to replace them anyway.")
        data = ScaleData(seed=seed, customers=customers, products=products, orders=orders,
                         vendor=connection.vendor)
        self.quiet = verbosity == 0
        started = time.perf_counter()
        with transaction.atomic():
            self.prepare()
            loader = Loader(datasets.SEEDED_MODELS)
            loader.empty()
            counts = self.load(loader, data)
            self.timed("Rebuilding indexes and foreign keys, analyzing", loader.finish)
            self.timed("Summing daily sales for the dashboard", sales_rebuild)
            elapsed = time.perf_counter() - started
            datasets.record(datasets.describe(customers=customers, products=products, orders=orders, seed=seed),
                            load_seconds=elapsed)
        self.report(counts, elapsed)

    @staticmethod
    def prepare() -> None:
        """Reference data the orders name."""
        for position, (name, cents) in enumerate(SHIPPING):
            ShippingMethod.objects.get_or_create(name=name, defaults={"price": Decimal(cents) / 100,
                                                                      "position": position})
        if not TaxRate.objects.filter(is_active=True).exists():
            TaxRate.objects.create(name="State sales tax", rate=Decimal(TAX_RATE))
        Carrier.objects.get_or_create(name=CARRIER, defaults={"tracking_url": "https://carrier.example/track?n={number}"})

    def load(self, loader: Loader, data: ScaleData) -> dict[str, tuple[int, float]]:
        counts = {}
        counts["customers"] = self.table(loader, Customer, CUSTOMER_FIELDS, data.customer_rows(), data.customers)
        primary = self.table(loader, Address, ADDRESS_FIELDS, data.address_rows(), data.customers)
        second = self.table(loader, Address, ADDRESS_FIELDS, data.second_address_rows(), None, "addresses (2nd)")
        counts["addresses"] = (primary[0] + second[0], primary[1] + second[1])
        counts["products"] = self.table(loader, Product, PRODUCT_FIELDS, data.product_rows(), data.products)
        counts["orders and what followed"] = self.orders(loader, data)
        return counts

    def table(self, loader, model, fields, rows, total, label=None) -> tuple[int, float]:
        started = time.perf_counter()
        with self.bar(label or model._meta.verbose_name_plural, total) as bar:
            count = loader.write(model, fields, rows, bar)
        return count, time.perf_counter() - started

    def orders(self, loader: Loader, data: ScaleData) -> tuple[int, float]:
        """Orders, lines, events, payments, shipments and their lines."""
        started = time.perf_counter()
        carrier = Carrier.objects.get(name=CARRIER).pk
        count = 0
        with self.bar("orders", data.orders) as order_bar, self.bar("other rows", None, position=1) as other_bar:
            for chunk in data.order_chunks(carrier=carrier):
                count += loader.write(Order, ORDER_FIELDS, chunk.orders, order_bar)
                count += loader.write(OrderLine, LINE_FIELDS, chunk.lines, other_bar)
                for name, model, fields in HISTORY:
                    count += loader.write(model, fields, getattr(chunk, name), other_bar)
        return count, time.perf_counter() - started

    def bar(self, label: str, total: int | None, position: int = 0):
        # sys.stderr, not self.stderr: Django's wrapper ends every write with a newline.
        return tqdm(total=total, desc=f"{label:>16}", unit=" rows", unit_scale=True, file=sys.stderr,
                    disable=self.quiet, position=position, mininterval=0.5, leave=True)

    def timed(self, what: str, step) -> None:
        started = time.perf_counter()
        step()
        if not self.quiet:
            self.stdout.write(f"{what}: {time.perf_counter() - started:.1f} s")

    def report(self, counts: dict[str, tuple[int, float]], elapsed: float) -> None:
        for name, (rows, seconds) in counts.items():
            self.stdout.write(f"{name:>16}: {rows:>10,} rows in {seconds:6.1f} s = "
                              f"{rows / max(seconds, 1e-9):>10,.0f} rows/s")
        total = sum(rows for rows, _ in counts.values())
        self.stdout.write(self.style.SUCCESS(
            f"Seeded {total:,} rows in {elapsed:.1f} s: {total / max(elapsed, 1e-9):,.0f} rows/s overall."
        ))
