"""seed_scale: deterministic scale data that satisfies every constraint, and never over real data."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Product
from customers.models import Address, Customer
from oms.bench.models import Dataset
from orders.models import Order, OrderLine
from orders.pricing import TaxRule, order_totals
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

SIZES = {"customers": 120, "products": 40, "orders": 150}


def seed(**overrides):
    call_command("seed_scale", **(SIZES | overrides), verbosity=0)


def dump() -> list:
    """Every seeded row, in primary-key order."""
    models = (Customer, Address, Product, Order, OrderLine)
    return [list(model.objects.order_by("pk").values_list()) for model in models]


def test_seed_scale_gives_the_same_rows_for_the_same_seed():
    seed(seed=3)
    first = dump()
    seed(seed=3)
    assert dump() == first
    seed(seed=4)
    assert dump() != first


def test_seed_scale_makes_the_requested_sizes_with_orders_of_one_to_eight_lines():
    seed()
    assert (Customer.objects.count(), Product.objects.count(), Order.objects.count()) == (120, 40, 150)
    assert Address.objects.count() >= 120
    lines_per_order = {order.lines.count() for order in Order.objects.all()}
    assert min(lines_per_order) >= 1 and max(lines_per_order) <= 8


def test_seeded_orders_add_up_and_point_at_their_own_customers_addresses():
    seed()
    for order in Order.objects.prefetch_related("lines")[:50]:
        lines = list(order.lines.all())
        assert all(line.line_total == line.unit_price * line.quantity for line in lines)
        totals = order_totals(lines=lines, shipping=order.shipping, tax=TaxRule(rate=order.tax_rate))
        assert (order.subtotal, order.tax, order.total) == (totals.subtotal, totals.tax, totals.total)
        assert order.customer_name == order.customer.name
    for customer in Customer.objects.select_related("default_billing_address", "default_shipping_address"):
        assert customer.default_billing_address.customer_id == customer.pk
        assert customer.default_shipping_address.customer_id == customer.pk
    assert not Product.objects.filter(stock__lt=0).exists()


def test_rows_created_after_seeding_get_fresh_ids():
    seed()
    customer = CustomerFactory()
    product = Product.objects.create(sku="NEW-1", name="New", price=Decimal("1.00"))
    assert customer.pk > SIZES["customers"] and product.pk > SIZES["products"]


def test_seed_scale_refuses_a_database_that_holds_other_customers():
    kept = CustomerFactory(last_name="Real")
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert list(Customer.objects.all()) == [kept]


def test_seed_scale_replaces_other_data_when_forced():
    CustomerFactory(last_name="Real")
    seed(force=True)
    assert not Customer.objects.filter(last_name="Real").exists()
    assert Customer.objects.count() == SIZES["customers"]
    seed()  # its own data is replaced without --force


def test_seed_scale_records_the_data_set_it_wrote():
    seed(seed=5)
    seed(seed=6)
    dataset = Dataset.objects.get()
    assert dataset.description == "customers=120 products=40 orders=150 seed=6"
    assert dataset.load_seconds > 0


def test_without_its_dataset_row_seed_data_counts_as_other_data():
    seed()
    Dataset.objects.all().delete()
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert Customer.objects.count() == SIZES["customers"]


def test_data_marked_by_the_old_seed_user_is_adopted_as_seed_data():
    # given data seeded before the Dataset model, marked by an inactive user
    seed()
    Dataset.objects.all().delete()
    UserFactory(username="seed_scale", is_active=False, last_name="customers=120 products=40 orders=150 seed=1")
    migration = importlib.import_module("oms.bench.migrations.0002_adopt_seed_user_mark")
    # when the migration runs
    migration.adopt_seed_user_mark(django_apps, None)
    # then it is seed data again, reused by the benchmark and replaced without --force
    assert Dataset.objects.get().description == "customers=120 products=40 orders=150 seed=1"
    seed(seed=2)
