"""List pages read one page along an index: a LIMIT of one page and one row, a row comparison from the
cursor after the first page, never an OFFSET, never a COUNT. The admin's searches go through the same
selectors and hand their changelist the first matches only."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CustomerFactory, ProductFactory
from tests.helpers import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(checkout_setup):
    product = ProductFactory(sku="AAA-0", stock=1000)
    ProductFactory.create_batch(30)
    for customer in CustomerFactory.create_batch(30, last_name="Smith"):
        place(customer, [(product.pk, 1)], checkout_setup[0])


def captured_get(client, url: str, params: dict):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    ("url_name", "params"),
    [("customers:list", {}), ("customers:list", {"q": "smith"}), ("catalog:list", {}),
     ("catalog:list", {"q": "sku"}), ("orders:list", {}), ("orders:list", {"q": "smith"})],
)
def test_list_pages_read_keyset_pages(staff_client, lists, url_name, params):
    first, first_sql = captured_get(staff_client, reverse(url_name), params)
    after = {"after": first.context["page"].next_cursor}
    second, second_sql = captured_get(staff_client, reverse(url_name), params | after)
    assert len(first.context["page"]) == 25 and second.context["page"].has_previous
    for sql in (first_sql, second_sql):
        assert any("LIMIT 26" in statement for statement in sql), sql
        # no OFFSET and no count of the matches (a lazy branch's guard counts the page's own rows: allowed)
        assert not [statement for statement in sql if "OFFSET" in statement.upper()
                    or re.search(r"COUNT\([^)]*\)(?! FROM SEEK_BATCH)", statement.upper())]
    # the second page starts from the cursor: a row comparison the index can seek to
    assert any(re.search(r"\) [<>]=? \(", statement) for statement in second_sql if "LIMIT 26" in statement)


@pytest.mark.parametrize(
    ("url_name", "term", "table", "limit"),
    [("admin:customers_customer_changelist", "smith", "customers_customer", 200),
     ("admin:orders_order_changelist", "smith", "orders_order", 200),
     ("admin:catalog_product_changelist", "sku", "catalog_product", 200)],
)
def test_admin_searches_page_through_the_selectors_first_matches(admin_client, lists, url_name, term, table, limit):
    response, sql = captured_get(admin_client, reverse(url_name), {"q": term})
    assert response.context["cl"].result_count == 30
    searched = [statement for statement in sql if " LIKE " in statement]
    assert f"LIMIT {limit}" in searched[0]
    # the changelist's own count and page read the matches by their keys, not the search again
    changelist = [statement for statement in sql if f'FROM "{table}"' in statement and statement not in searched]
    assert len(changelist) == 2 and all(" IN (" in statement for statement in changelist)


def test_admin_search_says_when_it_shows_the_first_matches_only(admin_client, lists):
    CustomerFactory.create_batch(230, last_name="Smith")
    response = admin_client.get(reverse("admin:customers_customer_changelist"), {"q": "smith"})
    assert response.context["cl"].result_count == 200
    assert b"Showing the first 200 matches only" in response.content


@pytest.mark.parametrize("cursor", ["garbage", "abc\x00def", "x" * 10_000, "١٢٣", "W10." + "A" * 43])
@pytest.mark.parametrize("direction", ["after", "before"])
@pytest.mark.parametrize(("url_name", "params"), [("customers:list", {"q": "smith"}), ("catalog:list", {}),
                                                  ("orders:list", {}), ("orders:list", {"q": "smith"})])
def test_a_bad_cursor_shows_the_first_page(staff_client, lists, url_name, params, direction, cursor):
    first = staff_client.get(reverse(url_name), params)
    response = staff_client.get(reverse(url_name), params | {direction: cursor})
    assert response.status_code == 200
    assert list(response.context["page"]) == list(first.context["page"])
    assert not response.context["page"].has_previous
