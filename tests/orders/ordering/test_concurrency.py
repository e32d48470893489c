"""Races that cost money, run for real: PostgreSQL sessions in threads, released at once."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.ordering.placing import order_place
from tests.factories import ProductFactory, ShippingMethodFactory, customer_with_address
from tests.helpers import draft, postgres_only, run_concurrently

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def placing(customer, lines, shipping, token):
    def place():
        return order_place(draft=draft(customer, lines, shipping, token=token))

    return place


def test_two_submits_of_one_checkout_at_once_make_one_order():
    shipping = ShippingMethodFactory()
    product = ProductFactory(stock=10)
    customer = customer_with_address()
    token = uuid.uuid4()

    results = run_concurrently(placing(customer, [(product.pk, 3)], shipping, token), times=2)

    assert not [result for result in results if isinstance(result, Exception)], results
    assert sorted(result.created for result in results) == [False, True]
    assert len({result.order.number for result in results}) == 1
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == 7


def test_many_buyers_of_the_last_units_never_oversell():
    shipping = ShippingMethodFactory()
    product = ProductFactory(stock=5)
    other = ProductFactory(stock=100)
    customer = customer_with_address()
    buyers = 8

    results = run_concurrently(
        lambda: placing(customer, [(other.pk, 1), (product.pk, 2)], shipping, uuid.uuid4())(), times=buyers
    )

    placed = [result for result in results if not isinstance(result, Exception)]
    refused = [result for result in results if isinstance(result, OrderRefused)]
    assert len(placed) == 2 and len(refused) == buyers - 2, results
    assert all("only 1 in stock" in " ".join(error.problems) or "only 3 in stock" in " ".join(error.problems)
               for error in refused)
    assert Product.objects.get(pk=product.pk).stock == 1
    assert Product.objects.get(pk=other.pk).stock == 98
    assert sum(OrderLine.objects.filter(product=product).values_list("quantity", flat=True)) == 4


def test_stock_rows_are_locked_in_primary_key_order():
    shipping = ShippingMethodFactory()
    first, second = ProductFactory(), ProductFactory()
    customer = customer_with_address()
    with CaptureQueriesContext(connection) as queries:
        placing(customer, [(second.pk, 1), (first.pk, 1)], shipping, uuid.uuid4())()
    locking = [query["sql"] for query in queries if '"catalog_product"' in query["sql"] and " FOR " in query["sql"]]
    assert len(locking) == 1
    assert 'ORDER BY "catalog_product"."id" ASC' in locking[0] and locking[0].endswith("FOR NO KEY UPDATE")
