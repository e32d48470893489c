"""sales_rebuild at scale: a day at a time, so that placing an order never waits for the whole rebuild."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from catalog.services import products_locked
from orders.models import Order
from orders.reporting import sales
from orders.reporting.models import DailyProductSales
from tests.factories import CustomerFactory, ProductFactory
from tests.helpers import place, postgres_only, sales_summary

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]


# 75 days ago: another month; 1 day ago: today's month but on the 1st (a month's transaction held today's rows)
@pytest.mark.parametrize("days_ago", [75, 1])
def test_placing_an_order_goes_ahead_while_a_rebuild_recomputes_an_earlier_day(checkout_setup, monkeypatch, days_ago):
    shipping = checkout_setup[0]
    customer, lamp = CustomerFactory(), ProductFactory(sku="LMP", price=Decimal("10.00"), stock=100)
    old = place(customer, [(lamp.pk, 1)], shipping).order
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    place(customer, [(lamp.pk, 2)], shipping)  # today's summary rows exist: the next order updates them
    # given a rebuild paused inside the transaction of that order's day, its rows rewritten and not committed
    paused, go_on = threading.Event(), threading.Event()
    rebuilding, old_day = sales._rebuild_days, timezone.localdate(Order.objects.get(pk=old.pk).created_at)

    def pausing_rebuild(first, after):
        rebuilding(first, after)
        if first == old_day:
            paused.set()
            go_on.wait(timeout=30)

    monkeypatch.setattr(sales, "_rebuild_days", pausing_rebuild)
    rebuild = threading.Thread(target=lambda: (sales.sales_rebuild(), connections.close_all()))
    rebuild.start()
    try:
        assert paused.wait(timeout=30)
        # then an order placed now neither waits for it nor fails (a lock held for the whole rebuild would)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        try:
            placed = place(customer, [(lamp.pk, 3)], shipping).order
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        go_on.set()
        rebuild.join(timeout=60)
    assert placed.pk
    # and once the rebuild is done, each of the three orders is counted once
    today = timezone.localdate()
    days = {row[0]: row[3] for row in sales_summary()[0]}
    assert days == {timezone.localdate(Order.objects.get(pk=old.pk).created_at): 1, today: 2}
    assert {(row[0], row[2]) for row in sales_summary()[1]} == {
        (timezone.localdate(Order.objects.get(pk=old.pk).created_at), 1), (today, 5)}


def test_a_summary_row_of_a_product_being_sold_does_not_wait_for_the_sale(checkout_setup):
    # a rebuild's row for a product refers to it (a foreign key): a sale's lock on the product must not stop it,
    # or the sale, waiting in turn for the rebuild's day, deadlocks with it
    lamp = ProductFactory(sku="LMP", price=Decimal("10.00"), stock=100)
    locked, release = threading.Event(), threading.Event()

    def sell() -> None:
        try:
            with transaction.atomic():
                products_locked([lamp.pk])
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    seller = threading.Thread(target=sell)
    seller.start()
    try:
        assert locked.wait(timeout=10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            DailyProductSales.objects.create(day=timezone.localdate(), product=lamp, quantity=1,
                                             revenue=Decimal("10.00"))
    finally:
        release.set()
        seller.join(timeout=10)
    assert DailyProductSales.objects.filter(product=lamp).exists()
