"""Clerks racing for units another quote holds, for real: PostgreSQL sessions in threads, released at once."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import Product, StockReservation
from orders.lifecycle import OrderRefused
from orders.models import Order, Quote
from orders.ordering.placing import order_place
from orders.ordering.selectors import new_lines_review
from orders.ordering.stores import Cart
from orders.quotes.services import QuoteTerms, quote_create
from tests.factories import ProductFactory, ShippingMethodFactory, customer_with_address
from tests.helpers import draft, postgres_only, run_concurrently

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_clerks_racing_for_the_last_units_not_reserved_elsewhere_one_gets_them():
    shipping = ShippingMethodFactory()
    lamp = ProductFactory(stock=10)
    StockReservation.objects.create(product=lamp, quantity=8, until=timezone.now() + timedelta(days=7), holder="Q1")
    customer = customer_with_address()

    results = run_concurrently(lambda: order_place(draft=draft(customer, [(lamp.pk, 2)], shipping,
                                                               token=uuid.uuid4())), times=2)

    refused = [result for result in results if isinstance(result, OrderRefused)]
    assert len(refused) == 1 and len(results) - len(refused) == 1, results
    assert "only 0 in stock (8 more reserved by quotes)" in refused[0].problems[0]
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=lamp.pk).stock == 8  # the reserved units, still there for the quote


def test_a_reservation_and_an_order_racing_for_the_same_free_units_never_both_get_them():
    shipping = ShippingMethodFactory()
    lamp = ProductFactory(stock=5)
    customer = customer_with_address()
    cart = Cart({}, "race", {"lines": [{"product_id": lamp.pk, "quantity": 5, "price_seen": ""}]})
    work = [
        lambda: quote_create(review=new_lines_review(cart, customer), token="race", actor=None,
                             terms=QuoteTerms(valid_until=timezone.localdate(), reserve_stock=True)),
        lambda: order_place(draft=draft(customer, [(lamp.pk, 5)], shipping, token=uuid.uuid4())),
    ]

    results = run_concurrently(lambda: work.pop()(), times=2)

    assert sum(isinstance(result, OrderRefused) for result in results) == 1, results
    lamp = Product.objects.with_reserved().get(pk=lamp.pk)
    placed, quoted = Order.objects.count(), Quote.objects.count()
    assert (placed, quoted) in ((1, 0), (0, 1))
    assert (lamp.stock, lamp.reserved) == ((0, 0) if placed else (5, 5))  # never sold and held at once
