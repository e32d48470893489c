"""Receive stock racing receipts and placing, for real: PostgreSQL sessions in threads, released at once."""

import uuid

import pytest
from django.db.models import F, Sum

from catalog.models import Product, StockMovement
from orders.models import OrderLine
from orders.ordering.placing import order_place
from orders.stock.services import stock_receive
from tests.factories import ProductFactory, ShippingMethodFactory, customer_with_address
from tests.helpers import draft, place, postgres_only, run_concurrently

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_receipts_and_a_placing_at_once_never_allocate_a_unit_twice():
    shipping = ShippingMethodFactory()
    lamp = ProductFactory(stock=0, allow_backorders=True)
    customer = customer_with_address()
    oldest = place(customer, [(lamp.pk, 10)], shipping).order
    older = place(customer, [(lamp.pk, 10)], shipping).order
    work = [lambda: stock_receive(quantities={lamp.pk: 8}), lambda: stock_receive(quantities={lamp.pk: 8}),
            lambda: order_place(draft=draft(customer, [(lamp.pk, 5)], shipping, token=uuid.uuid4()))]

    results = run_concurrently(lambda: work.pop()(), times=3)

    assert not [result for result in results if isinstance(result, Exception)], results
    lines = OrderLine.objects.filter(product=lamp).order_by("order_id")
    allocated = [line.quantity - line.quantity_backordered for line in lines]
    # 16 received: the oldest order first, then the next; the newest, placed meanwhile, waits for all 5
    assert allocated == [10, 6, 0]
    assert [line.quantity_backordered for line in lines] == [0, 4, 5]
    lamp.refresh_from_db()
    assert lamp.stock == 0
    assert StockMovement.objects.filter(product=lamp).aggregate(total=Sum("quantity"))["total"] == lamp.stock
    assert not OrderLine.objects.filter(quantity_backordered__gt=F("quantity")).exists()
    assert Product.objects.filter(stock__lt=0).count() == 0
    assert oldest.pk < older.pk
