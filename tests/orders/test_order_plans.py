"""EXPLAIN plans (PostgreSQL): each order-list filter's first page reads about a page of rows along its own index,
the date filters stop at their edges, and `Last ordered` reads a batch of a customer's newest lines."""

import pytest
from django.db import connection
from django.utils import timezone

from customers.models import Customer
from orders.models import Order
from orders.ordering.selectors import last_ordered
from orders.selectors import OrderFilters, order_search_page
from tests.factories import UserFactory
from tests.plans import assert_reads_one_page, nodes, rows_read, scans

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's"),
]

ORDERS = 40_000
# One order a minute up to now; 1 in 200 cancelled, the newest 2,000 of the others still processing (as a real
# list's newest orders are, so a scan newest first skips them to reach completed ones), 1 in 100 by fax and 1 in 4
# by email, 1 in 400 taken by the clerk, 1 in 300 owing the customer money (overpaid), 1 in 250 on hold, 1 in 270
# backordered; the customer with id 1 of every 50th, each order with three lines. Every column is given but those
# added with a database default (amount_credited, amount_refunded, quantity_returned, quantity_backordered, on_hold,
# hold_reason and backordered, the last three set after).
FILL = """
    INSERT INTO orders_order (checkout_token, status, channel, placed_by_id, customer_name, customer_email,
        billing_address, shipping_address, shipping_method, payment_method, payment_reference, subtotal, shipping,
        tax_rate, tax, total, staff_note, customer_note, confirmation_state, confirmation_error, created_at,
        customer_id, customer_type, discount, discount_entered, discount_reason, tax_jurisdiction, tax_shipping,
        tax_exempt, tax_exemption_number, amount_paid, payment_status, version)
    SELECT gen_random_uuid(), CASE WHEN g %% 200 = 0 THEN 'cancelled' ELSE 'completed' END,
        CASE WHEN g %% 100 = 0 THEN 'fax' WHEN g %% 4 = 1 THEN 'email' ELSE 'phone' END,
        CASE WHEN g %% 400 = 0 THEN %(clerk)s END,
        'Filler', '', '{}', '{}', 'Ground', 'check', '', 1, 0, 0, 0, 1, '', '', 'not_requested', '',
        now() - make_interval(mins => %(orders)s - g), CASE WHEN g %% 50 = 0 THEN %(busy)s ELSE %(other)s END,
        '', 0, '', '', '', false, false, '', 0, CASE WHEN g %% 300 = 0 THEN 'overpaid' ELSE 'unpaid' END, 1
    FROM generate_series(1, %(orders)s) AS g;
    INSERT INTO catalog_product (sku, name, description, price, stock, track_inventory, is_active, created_at,
        updated_at)
    SELECT 'P-' || g, 'Product ' || g, '', 1, 100, true, true, now(), now() FROM generate_series(1, 300) AS g;
    INSERT INTO orders_orderline (order_id, product_id, sku, name, unit_price, quantity, line_total, is_custom,
        discount, price_reason, taxable, quantity_shipped)
    SELECT o.number, p.id, p.sku, p.name, 1, 1, 1, false, 0, '', true, 0
    FROM orders_order o CROSS JOIN generate_series(0, 2) AS k
    JOIN catalog_product p ON p.sku = 'P-' || (1 + (o.number * 7 + k * 101) %% 300);
    UPDATE orders_order SET on_hold = true, hold_reason = 'Held' WHERE number %% 250 = 0;
    UPDATE orders_order SET backordered = true WHERE number %% 270 = 0;
    UPDATE orders_order SET status = 'processing'
    WHERE status = 'completed' AND number > (SELECT max(number) FROM orders_order) - 2000;
    ANALYZE orders_order, orders_orderline, catalog_product;
"""


@pytest.fixture(scope="module")
def many_orders(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        clerk = UserFactory(username="plan-clerk")
        busy, other = (Customer.objects.create(first_name="Busy", last_name=name) for name in ("Buyer", "Other"))
        with connection.cursor() as cursor:
            cursor.execute(FILL, {"clerk": clerk.pk, "busy": busy.pk, "other": other.pk, "orders": ORDERS})
            cursor.execute("VACUUM orders_order")  # the visibility map autovacuum keeps on a real table
    yield {"clerk": clerk, "busy": busy}
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM orders_orderline; DELETE FROM orders_order; DELETE FROM catalog_product;"
                           "DELETE FROM customers_customer")
        clerk.delete()


@pytest.fixture
def plans(many_orders, db):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the plans a big table gets (see test_search_plans)
    return many_orders


def seek_plans(call) -> list[dict]:
    from tests.plans import explained

    seeks, _ = explained(call)
    return seeks


def days_ago(days: int):
    return timezone.localdate() - timezone.timedelta(days=days)


@pytest.mark.parametrize(
    ("filters", "index"),
    [({"status": "cancelled"}, "order_status_newest"),
     ({"channel": "fax"}, "order_channel_newest"),
     ({"owed": True}, "order_owed_to_customer"),
     ({"on_hold": True}, "order_on_hold"),
     ({"backordered": True}, "order_backordered"),
     ({"date_from": 10}, "orders_order_pkey"),
     ({"date_to": 10}, "orders_order_pkey"),
     ({"date_from": 12, "date_to": 10}, "orders_order_pkey"),
     # combined: along the rarer filter's index, the others checked on the rows it reads
     ({"status": "completed", "channel": "fax"}, "order_status_channel_newest"),
     # not the newest orders read until enough of them are completed and came by email
     ({"status": "completed", "channel": "email"}, "order_status_channel_newest"),
     ({"status": "cancelled", "channel": "fax", "date_from": 12}, None)],
)
def test_each_filters_first_page_reads_about_a_page(plans, filters, index):
    filters = {key: days_ago(value) if key.startswith("date") else value for key, value in filters.items()}
    [seek] = seek_plans(lambda: order_search_page("", filters=OrderFilters(**filters)))
    assert_reads_one_page(seek, index=index, bound=200)


def test_taken_by_reads_its_own_index(plans):
    [seek] = seek_plans(lambda: order_search_page("", filters=OrderFilters(taken_by=plans["clerk"].pk)))
    assert_reads_one_page(seek, index="order_taken_by_newest")


def test_a_date_range_with_no_orders_stops_at_its_edges(plans):
    far = days_ago(400)
    [seek] = seek_plans(lambda: order_search_page("", filters=OrderFilters(date_from=far, date_to=far)))
    # PostgreSQL reads either the newest-first index until the range's edge, or the date index's empty range and
    # sorts what it found (it chose each in full runs of the suite, by the table's history): both stop at the
    # range's edges, which is what this asks; neither scans the table or reads more than a page's bound.
    assert {node["Node Type"] for node in scans(seek)} <= {"Index Scan", "Index Only Scan"}, seek
    assert all(rows_read(node) <= 200 for node, _ in nodes(seek)), seek


def test_last_ordered_reads_one_batch_of_the_customers_newest_lines(plans):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        found = last_ordered(plans["busy"].pk)
    assert len(found) == 10
    statement = next(query["sql"] for query in captured.captured_queries if "orders_orderline" in query["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}")
        plan = cursor.fetchone()[0][0]["Plan"]
    assert "Sort" not in {node["Node Type"] for node, _ in nodes(plan)}, plan
    assert "order_customer_newest" in {node.get("Index Name") for node in scans(plan)}, plan
    assert all(rows_read(node) <= 400 for node in scans(plan)), plan


def test_a_months_sales_rebuild_reads_that_months_orders_along_their_date(plans):
    from orders.reporting.sales import _rebuild_days

    today = timezone.localdate()
    first = today.replace(day=1)
    month = list(explained_statements(lambda: _rebuild_days(first, today + timezone.timedelta(days=1))))
    in_month = Order.objects.filter(created_at__date__gte=first).count()
    read = []
    for sql, plan in month:  # the sales' and the products' statements read the month's orders by date, no more
        if "orders_creditmemo" in sql:  # a month's credit memos, each joined to its order by key
            continue
        assert "Seq Scan" not in {node["Node Type"] for node in scans(plan)}, plan
        read += [rows_read(node) for node in scans(plan) if node.get("Relation Name") == "orders_order"]
    assert len(read) == 2 and all(in_month <= rows <= in_month + 1_500 for rows in read), read


def explained_statements(call):
    """(sql, executed plan) of each statement ``call`` runs that reads orders, run again under EXPLAIN ANALYZE in
    a savepoint (the inserts among them are undone)."""
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        call()
        transaction.set_rollback(True)
    for query in captured.captured_queries:
        sql = query["sql"]
        if "orders_order" not in sql or not sql.lstrip().upper().startswith(("SELECT", "INSERT", "WITH")):
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            yield sql, cursor.fetchone()[0][0]["Plan"]
            transaction.set_rollback(True)
