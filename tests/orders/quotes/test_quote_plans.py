"""EXPLAIN plans (PostgreSQL): the availability check reads only a product's live reservations along
reservation_product_live, however many have ended; the quotes list's first page reads about a page of quotes."""

import pytest
from django.db import connection

from orders.pricing.selectors import products_priced_for
from orders.quotes.selectors import quote_search_page
from tests.factories import customer_with_address
from tests.plans import nodes, plans_of, rows_read

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's"),
]

# 300 products; 100,000 reservations that have ended and, on every product, three live ones.
RESERVATIONS = """
    INSERT INTO catalog_product (sku, name, description, price, stock, track_inventory, is_active, created_at,
        updated_at, allow_backorders)
    SELECT 'P-' || g, 'Product ' || g, '', 1, 100, true, true, now(), now(), false FROM generate_series(1, 300) AS g;
    INSERT INTO catalog_stockreservation (product_id, quantity, until, holder, created_at)
    SELECT p.id, 1, now() - make_interval(mins => g), 'Q' || g, now()
    FROM generate_series(1, 100000) AS g JOIN catalog_product p ON p.sku = 'P-' || (1 + g % 300);
    INSERT INTO catalog_stockreservation (product_id, quantity, until, holder, created_at)
    SELECT p.id, 2, now() + interval '1 day', 'Q-live-' || g, now()
    FROM catalog_product p CROSS JOIN generate_series(1, 3) AS g;
    ANALYZE catalog_product; ANALYZE catalog_stockreservation;
"""
# 50,000 quotes, one in ten open, valid for 30 days from their day: the newest are valid, the oldest expired.
QUOTES = """
    INSERT INTO orders_quote (customer_id, status, version, valid_until, reserve_stock, total, created_at,
        withdrawn_reason)
    SELECT %(customer)s, CASE WHEN g %% 10 = 0 THEN 'open' ELSE 'converted' END, 1, current_date - 20 + g / 1000,
        false, 10, now(), '' FROM generate_series(1, 50000) AS g;
    ANALYZE orders_quote;
"""


def test_the_availability_check_reads_live_reservations_only_along_their_index():
    with connection.cursor() as cursor:
        cursor.execute(RESERVATIONS)
        cursor.execute("SELECT id FROM catalog_product ORDER BY id LIMIT 50")
        ids = [row[0] for row in cursor.fetchall()]

    (sql, plan), = plans_of(lambda: products_priced_for(None, ids))

    reads = [node for node, _ in nodes(plan) if node.get("Relation Name") == "catalog_stockreservation"
             or node.get("Index Name", "").startswith("reservation")]
    assert {node.get("Index Name") for node in reads if "Index Name" in node} == {"reservation_product_live"}
    assert not [node for node in reads if node["Node Type"] == "Seq Scan"]
    # the live ones only: none of the 100,000 that ended
    assert max(rows_read(node) for node in reads) <= 50 * 3, reads
    products = products_priced_for(None, ids)
    assert {product.reserved for product in products.values()} == {6}


def test_the_quotes_list_first_page_reads_a_page_with_and_without_a_status():
    customer = customer_with_address(last_name="Planned")
    with connection.cursor() as cursor:
        cursor.execute(QUOTES, {"customer": customer.pk})

    for state in ("", "open", "converted"):
        plans = [plan for sql, plan in plans_of(lambda state=state: quote_search_page("", state=state))
                 if "orders_quote" in sql]
        read = sum(rows_read(node) for plan in plans for node, _ in nodes(plan)
                   if node.get("Relation Name") == "orders_quote" or "quote" in node.get("Index Name", ""))
        assert read <= 400, (state, read)
