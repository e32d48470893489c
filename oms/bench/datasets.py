"""Which scale data a database holds: the Dataset row seed_scale writes beside the data."""

from django.utils import timezone

from catalog.models import Product
from customers.models import Address, Customer, TypePrice
from orders.models import (
    DailyProductSales,
    DailySales,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Shipment,
    ShipmentLine,
)

from .models import Dataset

# The tables seed_scale empties and fills, parents first. Customer types' prices name products: emptied with
# them (the bench makes its own again, oms/bench/pricing.py).
SEEDED_MODELS = [Customer, Address, Product, TypePrice, Order, OrderLine, OrderEvent, Payment, Shipment,
                 ShipmentLine, DailySales, DailyProductSales]


def describe(*, customers: int, products: int, orders: int, seed: int) -> str:
    return f"customers={customers} products={products} orders={orders} seed={seed}"


def current() -> Dataset | None:
    """The scale data in this database, or None if seed_scale never wrote it."""
    return Dataset.objects.order_by("-seeded_at").first()


def holds_other_data() -> bool:
    """True when customers, products or orders exist that seed_scale did not write."""
    return current() is None and any(model.objects.exists() for model in SEEDED_MODELS)


def record(description: str, *, load_seconds: float) -> Dataset:
    """Mark the database as holding this data set (and no other); inside seed_scale's transaction."""
    Dataset.objects.all().delete()
    return Dataset.objects.create(description=description, seeded_at=timezone.now(), load_seconds=load_seconds)
