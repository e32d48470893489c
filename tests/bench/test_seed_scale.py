"""seed_scale: deterministic scale data that satisfies every constraint, and never over real data."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from catalog.models import Product
from customers.models import RETAIL, Address, Customer
from oms.bench import datasets
from oms.bench.bulk_load import Loader
from orders.events import describe
from orders.models import Order, OrderEvent, OrderLine
from orders.pricing.totals import TaxRule, order_totals
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


def forget_the_mark():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_dataset")


def test_seed_scale_records_the_data_set_it_wrote():
    seed(seed=5)
    seed(seed=6)
    dataset = datasets.current()
    assert dataset.description == "customers=120 products=40 orders=150 seed=6 shape=2"
    assert dataset.load_seconds > 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_dataset")
        assert cursor.fetchone() == (1,)


def test_without_its_dataset_row_seed_data_counts_as_other_data():
    seed()
    forget_the_mark()
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert Customer.objects.count() == SIZES["customers"]


def test_a_mark_left_over_after_its_data_was_emptied_vouches_for_no_other_data():
    # given seed data that was emptied (a flush keeps the bench's table) and real customers entered after
    seed(orders=0)
    Customer.objects.all().delete()
    kept = CustomerFactory(last_name="Real")
    # then the next seeding refuses to delete them
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert list(Customer.objects.all()) == [kept]


def test_data_marked_by_the_old_seed_user_is_seed_data():
    # given data seeded before the bench kept its own table, marked by an inactive user
    seed()
    forget_the_mark()
    UserFactory(username="seed_scale", is_active=False, last_name="customers=120 products=40 orders=150 seed=1")
    # then it is seed data, reused by the benchmark and replaced without --force
    assert datasets.current().description == "customers=120 products=40 orders=150 seed=1"
    seed(seed=2)
    assert datasets.current().description == "customers=120 products=40 orders=150 seed=2 shape=2"


def test_data_of_an_older_shape_is_seeded_again_by_the_benchmark():
    # given data seeded before orders had their history (the description without a shape)
    seed()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bench_dataset SET description = 'customers=120 products=40 orders=150 seed=1'")
    assert datasets.current().sizes == {"seed": 1} | SIZES
    # then the benchmark's description differs, so it seeds again rather than reuse the data
    assert datasets.current().description != datasets.describe(seed=1, **SIZES)


def test_seeded_rows_hold_their_fields_defaults_in_the_columns_the_seed_leaves_out():
    seed()
    assert set(Customer.objects.values_list("customer_type__name", "tax_exempt", "tax_exemption_number")) == {
        (RETAIL, False, "")}
    assert set(Order.objects.values_list("customer_type", "discount", "tax_exempt", "amount_credited", "version",
                                         "due_date")) == {("", Decimal("0"), False, Decimal("0"), 1, None)}
    assert set(OrderLine.objects.values_list("is_custom", "discount", "price_reason", "taxable",
                                             "quantity_returned", "list_price")) == {
        (False, Decimal("0"), "", True, 0, None)}


def test_seeded_orders_have_the_history_their_status_implies():
    seed(orders=400)
    orders = Order.objects.prefetch_related("lines", "events", "payments", "shipments__lines")
    statuses = set()
    for order in orders:
        statuses.add(order.status)
        kinds = [event.kind for event in order.events.all()]
        lines = order.lines.all()
        assert kinds[-1] == OrderEvent.Kind.PLACED  # the oldest: the timeline is newest first
        assert describe(order.events.all()[len(kinds) - 1]).startswith("Placed")
        shipped = order.status in (Order.Status.SHIPPED, Order.Status.COMPLETED)
        # a shipped order went out in one shipment of every unit, and its timeline says so
        assert [line.quantity_shipped for line in lines] == [line.quantity if shipped else 0 for line in lines]
        assert order.shipments.count() == int(shipped)
        assert (OrderEvent.Kind.SHIPMENT_RECORDED in kinds) is shipped
        if shipped:
            shipment = order.shipments.get()
            assert {line.order_line_id: line.quantity for line in shipment.lines.all()} == {
                line.pk: line.quantity for line in lines}
            assert shipment.shipped_on > order.created_at.date()
        # a completed order was paid in full, once
        paid = order.status == Order.Status.COMPLETED
        assert [payment.amount for payment in order.payments.all()] == ([order.total] if paid else [])
        assert (order.amount_paid, order.payment_status, order.balance_due) == (
            (order.total, Order.PaymentStatus.PAID, 0) if paid else (0, Order.PaymentStatus.UNPAID, order.total))
        assert (OrderEvent.Kind.CANCELLED in kinds) is (order.status == Order.Status.CANCELLED)
    assert {Order.Status.PLACED, Order.Status.SHIPPED, Order.Status.COMPLETED} <= statuses


def test_the_loader_refuses_rows_that_leave_out_a_column_with_no_default():
    loader = Loader([Product])
    with pytest.raises(ValueError, match="must give price"):
        loader.write(Product, ["id", "sku", "name", "created_at", "updated_at"], [])
