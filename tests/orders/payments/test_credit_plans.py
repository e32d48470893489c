"""EXPLAIN plans (PostgreSQL): a customer's credit exposure is read along the partial index order_customer_exposure,
only their rows still owing on credit, however many other orders they and everyone else have."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer, CustomerType
from orders.payments.selectors import credit_exposure
from tests.plans import nodes, rows_read, scans

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's"),
]

ORDERS = 40_000
# The busy customer has every 4th order (10,000): every 400th order is theirs on account and unpaid (100), the rest
# paid by check; another customer has 2,000 on account and unpaid; every 70th order is cancelled. Every column is
# given but those added with a database default.
FILL = """
    INSERT INTO orders_order (checkout_token, status, channel, customer_name, customer_email, billing_address,
        shipping_address, shipping_method, payment_method, payment_reference, subtotal, shipping, tax_rate, tax, total,
        staff_note, customer_note, confirmation_state, confirmation_error, created_at, customer_id, customer_type,
        discount, discount_entered, discount_reason, tax_jurisdiction, tax_shipping, tax_exempt,
        tax_exemption_number, amount_paid, payment_status, due_date, version)
    SELECT gen_random_uuid(), CASE WHEN g %% 70 = 0 THEN 'cancelled' ELSE 'placed' END, 'phone', 'Filler', '', '{}',
        '{}', 'Ground', CASE WHEN g %% 400 = 0 OR (g %% 4 <> 0 AND g %% 10 = 0) THEN 'on_account' ELSE 'check' END,
        '', 10, 0, 0, 0, 10, '', '', 'not_requested', '', now() - make_interval(mins => %(orders)s - g),
        CASE WHEN g %% 4 = 0 THEN %(busy)s ELSE %(other)s END, '', 0, '', '', '', false, false, '',
        CASE WHEN g %% 400 = 0 OR (g %% 4 <> 0 AND g %% 10 = 0) THEN 0 ELSE 10 END,
        CASE WHEN g %% 400 = 0 OR (g %% 4 <> 0 AND g %% 10 = 0) THEN 'unpaid' ELSE 'paid' END,
        (now() - make_interval(days => g %% 60))::date, 1
    FROM generate_series(1, %(orders)s) AS g;
    ANALYZE orders_order;
"""


@pytest.fixture(scope="module")
def customers(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        kind = CustomerType.objects.create(name="Plan trade", credit_limit=Decimal("100.00"))
        busy, other = (Customer.objects.create(first_name="Plan", last_name=name, customer_type=kind)
                       for name in ("Busy", "Other"))
        with connection.cursor() as cursor:
            cursor.execute(FILL, {"busy": busy.pk, "other": other.pk, "orders": ORDERS})
    yield {"busy": busy, "other": other}
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM orders_order WHERE customer_id IN (%s, %s)", [busy.pk, other.pk])
        Customer.objects.filter(pk__in=[busy.pk, other.pk]).delete()
        kind.delete()


def explain(call) -> tuple[object, dict]:
    with CaptureQueriesContext(connection) as captured:
        found = call()
    [statement] = [query["sql"] for query in captured.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}")
        return found, cursor.fetchone()[0][0]["Plan"]


def test_exposure_reads_only_the_customers_rows_owing_on_credit_along_its_index(customers, db):
    # The planner's own choice (sequential scans allowed): the partial index is that much smaller than the rest.
    busy = Customer.objects.select_related("customer_type").get(pk=customers["busy"].pk)

    found, plan = explain(lambda: credit_exposure(busy))

    # 100 of their orders are on account and unpaid, 14 of those cancelled (every 2,800th order): 86 of 10.00.
    assert found.exposure == Decimal("860.00") and found.limit == Decimal("100.00")
    assert {node.get("Index Name") for node in scans(plan)} == {"order_customer_exposure"}, plan
    assert {node["Node Type"] for node in scans(plan)} <= {"Index Scan", "Index Only Scan"}, plan
    assert [rows_read(node) for node in scans(plan)] == [86], plan
    assert "Sort" not in {node["Node Type"] for node, _ in nodes(plan)}, plan
