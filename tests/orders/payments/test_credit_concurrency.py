"""Two orders on credit for one customer placed at once, for real (PostgreSQL sessions in threads): the second waits
for the first on the customer's row and counts it, so together they cannot pass the limit unheld. (The day's sales
row, orders.reporting.sales, puts placings in line too, later in the transaction: the customer's lock keeps the
credit check right without relying on it.)"""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import CustomerType
from orders.models import Order
from orders.ordering.placing import order_place
from tests.factories import ProductFactory, ShippingMethodFactory, customer_with_address
from tests.helpers import draft, postgres_only, run_concurrently

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_orders_on_account_at_once_cannot_both_pass_the_limit_unheld():
    kind = CustomerType.objects.create(name="Trade", credit_limit=Decimal("1000.00"))
    customer = customer_with_address(customer_type=kind)
    pickup = ShippingMethodFactory(name="Pickup", price=Decimal("0.00"))
    # Different products: their locks do not put the two in line, only the customer's does.
    products = iter([ProductFactory(price=Decimal("600.00")), ProductFactory(price=Decimal("600.00"))])

    def place():
        lines = [(next(products).pk, 1)]
        return order_place(draft=draft(customer, lines, pickup, token=uuid.uuid4(), payment_method="on_account"))

    results = run_concurrently(place, times=2)

    assert not [result for result in results if isinstance(result, Exception)], results
    held = sorted(Order.objects.values_list("on_hold", "hold_reason"))
    assert held == [(False, ""), (True, "Over the credit limit by $200.00")]


def test_only_an_order_on_credit_locks_the_customer(db):
    customer = customer_with_address()
    pickup = ShippingMethodFactory(name="Pickup", price=Decimal("0.00"))
    product = ProductFactory()
    for method, locked in (("on_account", True), ("check", False)):
        with CaptureQueriesContext(connection) as captured:
            order_place(draft=draft(customer, [(product.pk, 1)], pickup, payment_method=method))
        statements = [query["sql"] for query in captured.captured_queries
                      if 'FROM "customers_customer"' in query["sql"]]
        assert any('FOR NO KEY UPDATE OF "customers_customer"' in sql for sql in statements) is locked, statements
