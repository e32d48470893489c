"""Which scale data a database holds: the row seed_scale writes beside the data, in a table of the bench's own.

seed_scale creates that table in the database it seeds (CREATE TABLE IF NOT EXISTS); no migration makes it, so
a database migrated without the bench has none. It has the name and columns that the bench's former Dataset
model gave it, so databases seeded before keep their mark and their data is reused.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from catalog.models import Product, StockMovement, StockReceipt, StockReservation
from customers.models import Address, Customer, TypePrice
from orders.fulfilment.models import Shipment, ShipmentLine
from orders.models import Order, OrderEvent, OrderLine
from orders.payments.models import Payment, Refund, StoreCredit
from orders.quotes.models import Quote, QuoteEvent, QuoteVersion
from orders.reporting.models import DailyProductSales, DailySales, MonthlyProductSales
from orders.returns.models import CreditMemo, CreditMemoLine, Return, ReturnLine

from .scale_data import ScaleData

# The tables seed_scale empties and fills, parents first. Customer types' prices name products: emptied with
# them (the bench makes its own again, oms/bench/pricing.py).
# Returns, credit memos, refunds, store credit, quotes and stock reservations are not seeded, but name orders,
# customers and products: emptied with them.
SEEDED_MODELS = [Customer, Address, Product, TypePrice, Order, OrderLine, OrderEvent, Payment, Shipment,
                 ShipmentLine, Return, ReturnLine, CreditMemo, CreditMemoLine, Refund, StoreCredit, DailySales,
                 DailyProductSales, MonthlyProductSales, StockMovement, StockReceipt, Quote, QuoteVersion, QuoteEvent,
                 StockReservation]
# What seed_scale writes, so that data of an older shape is seeded again: 1, customers, products, orders and
# lines; 2, and what followed each order (its events, shipment and payment: oms.bench.scale_data.History).
SHAPE = 2
TABLE = "bench_dataset"
# Bench tooling only: a table no model owns, the same statement on PostgreSQL and SQLite.
CREATE_TABLE = ("CREATE TABLE IF NOT EXISTS bench_dataset (description varchar(200) NOT NULL, "
                "seeded_at timestamp with time zone NOT NULL, load_seconds double precision NULL)")
OLD_SEED_USER = "seed_scale"  # the mark before the table: an inactive user whose last name held the description


@dataclass(frozen=True)
class Dataset:
    description: str  # seed_scale's sizes and seed, see describe()
    seeded_at: datetime
    load_seconds: float | None  # None for data seeded before it was recorded

    @property
    def sizes(self) -> dict[str, int]:
        """The seed and sizes describe() wrote: seed, customers, products, orders."""
        parts = dict(part.split("=") for part in self.description.split())
        return {name: int(parts[name]) for name in ("seed", "customers", "products", "orders")}


def describe(*, customers: int, products: int, orders: int, seed: int) -> str:
    return f"customers={customers} products={products} orders={orders} seed={seed} shape={SHAPE}"


def current() -> Dataset | None:
    """The scale data in this database, or None if seed_scale never wrote it or it has been replaced since."""
    dataset = _marked() or _marked_by_old_seed_user()
    return dataset if dataset is not None and _still_there(dataset) else None


def holds_other_data() -> bool:
    """True when customers, products or orders exist that seed_scale did not write."""
    return current() is None and any(model.objects.exists() for model in SEEDED_MODELS)


def record(description: str, *, load_seconds: float) -> Dataset:
    """Mark the database as holding this data set (and no other); inside seed_scale's transaction."""
    dataset = Dataset(description, timezone.now(), load_seconds)
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        cursor.execute("DELETE FROM bench_dataset")
        cursor.execute("INSERT INTO bench_dataset (description, seeded_at, load_seconds) VALUES (%s, %s, %s)",
                       [dataset.description, dataset.seeded_at, dataset.load_seconds])
    return dataset


def _marked() -> Dataset | None:
    if TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT description, seeded_at, load_seconds FROM bench_dataset ORDER BY seeded_at DESC")
        row = cursor.fetchone()
    if row is None:
        return None
    description, seeded_at, load_seconds = row
    # SQLite gives the UTC time without its zone when Django's ORM wrote it (the former model).
    return Dataset(description, seeded_at if timezone.is_aware(seeded_at) else seeded_at.replace(tzinfo=UTC),
                   load_seconds)


def _marked_by_old_seed_user() -> Dataset | None:
    user = get_user_model().objects.filter(username=OLD_SEED_USER, is_active=False).first()
    # date_joined is when that database was first seeded; the load time was never kept.
    return None if user is None else Dataset(user.last_name, user.date_joined, None)


def _still_there(dataset: Dataset) -> bool:
    """True when the first seeded customer is as seed_scale wrote it: a flush empties the seeded tables but not
    this one, which no model owns, and the mark must not vouch for data entered after."""
    sizes = dataset.sizes
    if not sizes["customers"]:
        return not Customer.objects.exists()
    first = ScaleData(vendor=connection.vendor, **sizes).customer(1)
    return Customer.objects.filter(pk=1, first_name=first.first_name, last_name=first.last_name,
                                   email=first.email, phone=first.phone).exists()
