"""EXPLAIN plans as tests (PostgreSQL only): each search reads an index range in display order and
stops at its LIMIT, so a page reads about a page of rows however many match.

Every statement a selector runs is captured and run again under EXPLAIN (ANALYZE, FORMAT JSON); its
plan must have a Limit on top, no Sort (an Incremental Sort of rows already in order is allowed where
a test says so), only index scans, and no scan may read more than a page or so of rows, while each
term matches hundreds.
"""

import uuid

import pytest
from django.db import connection
from django.urls import reverse

from catalog.models import Product
from catalog.selectors import product_search_page
from customers.models import Customer
from customers.selectors import customer_search_page, customers_with_email
from orders.models import Order
from orders.ordering.selectors import identify_search
from orders.selectors import order_search_page
from tests.plans import (
    PAGE_ROWS,
    assert_reads_by_key,
    assert_reads_one_page,
    explained,
    plans_of,
    rows_read,
    scans,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's"),
]

FIRST_NAMES = ["James", "Mary", "John", "Linda", "Robert", "Susan"]
FILLERS = """
    INSERT INTO customers_customer (first_name, last_name, company, email, phone, notes, created_at, updated_at,
        customer_type_id, tax_exempt, tax_exemption_number)
    SELECT 'Filler', chr(65 + g % 26) || 'filler' || g, '', '', '', '', now(), now(),
        (SELECT id FROM customers_customertype WHERE name = 'Retail'), false, ''
    FROM generate_series(1, 30000) AS g;
    INSERT INTO orders_order (checkout_token, status, channel, customer_name, customer_email, billing_address,
        shipping_address, shipping_method, payment_method, payment_reference, subtotal, shipping, tax_rate, tax,
        total, staff_note, customer_note, confirmation_state, confirmation_error, created_at, customer_id,
        customer_type, discount, discount_entered, discount_reason, tax_jurisdiction, tax_shipping, tax_exempt,
        tax_exemption_number, amount_paid, payment_status, version)
    SELECT gen_random_uuid(), 'placed', 'phone', 'Filler', '', '{}', '{}', 'Ground', 'check', '', 1, 0, 0, 0, 1,
        '', '', 'not_requested', '', now(), customer.id, '', 0, '', '', '', false, false, '', 0, 'unpaid', 1
    FROM customers_customer AS customer, generate_series(1, 2) WHERE customer.first_name = 'Filler';
"""  # a page of 25, the row that says there is a next one, and a few removed by filters; every column given


@pytest.fixture(scope="module")
def searchable_rows(django_db_setup, django_db_blocker):
    """3,000 customers (a quarter of them Smiths, a third at Acme companies) and 30,000 fillers A-Z (so that
    the admin's 200 matches are as small a part of the table as at scale), two orders each; 3,000 products
    (a third MSE- SKUs, a third named "Ergonomic ..."); analyzed. Made once for the module (outside the
    tests' transactions) and deleted after it."""
    with django_db_blocker.unblock():
        Customer.objects.bulk_create(
            Customer(first_name=FIRST_NAMES[i % 6], last_name="Smith" if i % 4 == 0 else f"Name{i:04d}",
                     company=f"Acme Supply {i}" if i % 3 == 0 else "",
                     email=f"{FIRST_NAMES[i % 6]}.{i}@example.com", phone=f"555-{i:04d}")
            for i in range(3000)
        )
        Order.objects.bulk_create(
            Order(customer=customer, checkout_token=uuid.uuid4(), customer_name=customer.name, billing_address={},
                  shipping_address={}, shipping_method="Ground", payment_method="check", subtotal=1, shipping=0,
                  tax_rate=0, tax=0, total=1)
            for customer in Customer.objects.all() for _ in range(2)
        )
        Product.objects.bulk_create(
            Product(sku=f"{['MSE', 'KBD', 'LMP'][i % 3]}-{i:05d}",
                    name=f"{['Ergonomic', 'Wireless', 'Desk'][i % 3]} {i}", price=1)
            for i in range(3000)
        )
        with connection.cursor() as cursor:
            cursor.execute(FILLERS)
            cursor.execute("ANALYZE customers_customer, orders_order, catalog_product")
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM orders_order; DELETE FROM customers_customer; DELETE FROM catalog_product")


@pytest.fixture
def searchable(searchable_rows, db):
    with connection.cursor() as cursor:
        # A few thousand rows fit in a few pages, where a sequential scan is always cheapest; at scale it is
        # not. Seq scans are switched off for the test's transaction so that the plans are the ones a big
        # table gets. Sorts stay on: a Sort in the plan is the very problem these tests look for.
        cursor.execute("SET LOCAL enable_seqscan = off")


@pytest.mark.parametrize(
    ("term", "index", "rows"),
    [("smith", "customer_last_first", 25),  # 750 match: the common term
     ("name0042", "customer_last_first", 1),  # the rare one
     ("james.", "customer_email_sort", 25),  # 500 emails
     ("acme sup", "customer_company_last_first", 25),  # 1,000 companies
     ("555-1", "customer_phone_sort", 25),
     ("zzqxv", None, 0),  # no match: every branch probes its index once
     ("", "customer_last_first", 25)],  # no term: everyone A-Z
)
def test_customer_list_search_reads_one_page_whatever_matches(searchable, term, index, rows):
    [seek], reads = explained(lambda: customer_search_page(term))
    assert_reads_one_page(seek, index=index)
    for read in reads:
        assert_reads_by_key(read, "customers_customer", rows)


def test_a_deep_customer_list_page_seeks_to_its_cursor(searchable):
    deep = customer_search_page("smith", per_page=600).next_cursor
    [seek], _ = explained(lambda: customer_search_page("smith", after=deep))
    assert_reads_one_page(seek, index="customer_last_first")
    [back], _ = explained(lambda: customer_search_page("smith", before=deep))
    assert_reads_one_page(back, index="customer_last_first")


@pytest.mark.parametrize(
    ("fields", "index"),
    [({"last_name": "smith"}, "customer_last_first"),
     ({"company": "acme"}, "customer_company_last_first"),
     ({"email": "mary."}, "customer_email_sort")],
)
def test_identify_reads_one_page_along_the_first_filled_fields_index(searchable, fields, index):
    # one statement: the customers along the index up to the LIMIT, their addresses, types and last orders by key
    [(_, plan)] = plans_of(lambda: identify_search(**({"last_name": "", "company": "", "email": ""} | fields)))
    assert_reads_one_page(plan, index=index)
    assert_reads_by_key(plan, "customers_customer", 25)


def test_order_search_by_name_walks_customers_in_order_into_their_orders(searchable):
    # Orders come newest first within a customer: PostgreSQL may add an Incremental Sort over rows that
    # arrive grouped by customer, which is allowed (assert_reads_one_page forbids a full Sort only).
    [seek], [read] = explained(lambda: order_search_page("smith"))
    assert_reads_one_page(seek, index="customer_last_first")
    assert_reads_by_key(read, "orders_order", 25)


def test_order_list_deep_pages_seek_by_number_or_customer(searchable):
    deep = order_search_page("", per_page=1000).next_cursor
    [seek], _ = explained(lambda: order_search_page("", after=deep))
    assert_reads_one_page(seek, index="orders_order_pkey")
    deep_search = order_search_page("smith", per_page=1000).next_cursor
    [seek], _ = explained(lambda: order_search_page("smith", after=deep_search))
    assert_reads_one_page(seek, index="customer_last_first")


@pytest.mark.parametrize(("term", "index"), [("mse-0", "product_sku_sort"), ("ergo", "product_name_sort")])
def test_product_search_reads_one_page_of_sku_or_name_prefixes(searchable, term, index):
    [seek], reads = explained(lambda: product_search_page(term))
    assert_reads_one_page(seek, index=index)
    assert reads == []  # the products come in the same statement as their places on the page


@pytest.mark.parametrize(
    ("url_name", "term", "limit"),
    [("admin:customers_customer_changelist", "smith", 200), ("admin:orders_order_changelist", "smith", 200)],
)
def test_admin_search_reads_its_first_matches_only(searchable, admin_client, url_name, term, limit):
    client = admin_client  # a superuser past the second factor
    seeks, reads = explained(lambda: client.get(reverse(url_name), {"q": term}))
    # the selector's first matches (not all 750 Smiths or their 1,500 orders) ...
    for seek in seeks:
        assert_reads_one_page(seek, bound=limit + PAGE_ROWS)
    # ... then the changelist's count and page of them, by key
    for read in reads:
        assert "Seq Scan" not in {node["Node Type"] for node in scans(read)}, read
        assert all(rows_read(node) <= limit for node in scans(read)), read


def test_the_duplicate_email_check_reads_the_email_index_in_id_order(searchable):
    [(_, plan)] = plans_of(lambda: customers_with_email("JAMES.6@example.com"))
    assert_reads_one_page(plan, index="customer_email_sort", bound=2)
