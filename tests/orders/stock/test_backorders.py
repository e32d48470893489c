"""Backorders from placing to shipping: the stock there is is taken, the rest waits on the line, Receive stock
allocates to the oldest order first, and only what is allocated ships. Every change of stock is in the ledger."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum

from catalog.models import Product, StockMovement
from orders.changes.editing import OrderChange, order_edit_save
from orders.changes.services import order_cancel
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderEvent, OrderLine
from orders.stock.services import stock_receive
from tests.factories import ProductFactory, UserFactory, customer_with_address
from tests.helpers import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamp(db):
    return ProductFactory(sku="LAMP-1", stock=25, allow_backorders=True)


@pytest.fixture
def customer(db):
    return customer_with_address(email="pat@example.com")


def ledger(product) -> int:
    return StockMovement.objects.filter(product=product).aggregate(total=Sum("quantity"))["total"] or 0


def stock(product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def edit(order, quantities, actor=None):
    order.refresh_from_db()
    return order_edit_save(order=order, change=OrderChange(token="t" + str(order.version), version=order.version,
                                                           quantities=quantities), actor=actor)


def test_placing_40_of_25_in_stock_takes_25_and_backorders_15(lamp, customer, shipping):
    order = place(customer, [(lamp.pk, 40)], shipping).order

    line = order.lines.get()
    assert (line.quantity, line.quantity_backordered, line.quantity_allocated) == (40, 15, 25)
    assert line.backorder == "25 in stock, 15 on backorder"
    assert order.backordered and Order.objects.get(pk=order.pk).backordered
    assert stock(lamp) == 0
    [sale] = StockMovement.objects.filter(product=lamp)
    assert (sale.kind, sale.quantity, sale.order_id) == ("sale", -25, order.pk)


def test_a_product_that_does_not_allow_backorders_is_refused_as_before(customer, shipping):
    mug = ProductFactory(sku="MUG", stock=25)
    with pytest.raises(OrderRefused) as refused:
        place(customer, [(mug.pk, 40)], shipping)
    assert "40 ordered, only 25 in stock." in refused.value.problems[0]
    assert stock(mug) == 25 and not StockMovement.objects.exists()


def test_within_stock_nothing_is_backordered(lamp, customer, shipping):
    order = place(customer, [(lamp.pk, 10)], shipping).order
    assert order.lines.get().quantity_backordered == 0 and not order.backordered


def test_receiving_allocates_to_the_oldest_order_first_and_the_rest_goes_to_stock(lamp, customer, shipping):
    first = place(customer, [(lamp.pk, 40)], shipping).order  # 25 allocated, 15 waiting
    second = place(customer, [(lamp.pk, 10)], shipping).order  # 0 allocated, 10 waiting
    clerk = UserFactory()

    received = stock_receive(quantities={lamp.pk: 20}, reference="DN-778", actor=clerk)

    assert received.allocated == {first.pk: {"LAMP-1": 15}, second.pk: {"LAMP-1": 5}}
    assert received.completed == [first.pk]
    assert OrderLine.objects.get(order=first).quantity_backordered == 0
    assert OrderLine.objects.get(order=second).quantity_backordered == 5
    assert not Order.objects.get(pk=first.pk).backordered and Order.objects.get(pk=second.pk).backordered
    assert stock(lamp) == 0
    assert received.receipt.reference == "DN-778" and received.receipt.received_by == clerk
    event = OrderEvent.objects.get(order=first, kind=OrderEvent.Kind.STOCK_ALLOCATED)
    assert event.actor == clerk and event.data["waiting"] == 0
    assert OrderEvent.objects.get(order=second, kind=OrderEvent.Kind.STOCK_ALLOCATED).data["waiting"] == 5
    # the first order is whole: its customer hears that it ships soon; the second still waits
    assert OrderEvent.objects.filter(order=first, kind=OrderEvent.Kind.AVAILABLE_EMAIL_QUEUED).count() == 1
    assert not OrderEvent.objects.filter(order=second, kind=OrderEvent.Kind.AVAILABLE_EMAIL_QUEUED).exists()

    more = stock_receive(quantities={lamp.pk: 30}, actor=clerk)
    assert more.allocated == {second.pk: {"LAMP-1": 5}} and more.completed == [second.pk]
    assert stock(lamp) == 25
    assert ledger(lamp) == 0  # since the ledger began: 50 received, 50 sold (the 25 it started with came before)


def test_an_order_without_an_email_address_is_allocated_without_an_email(lamp, shipping):
    customer = customer_with_address(email="")
    order = place(customer, [(lamp.pk, 30)], shipping).order
    stock_receive(quantities={lamp.pk: 5})
    assert not Order.objects.get(pk=order.pk).backordered
    assert not OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.AVAILABLE_EMAIL_QUEUED).exists()


def test_the_available_email_goes_out_when_the_queue_runs(lamp, customer, shipping, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    order = place(customer, [(lamp.pk, 30)], shipping).order
    with django_capture_on_commit_callbacks(execute=True):
        stock_receive(quantities={lamp.pk: 5})
    sent = [message for message in mailoutbox if "available" in message.subject]
    assert len(sent) == 1 and sent[0].to == ["pat@example.com"]
    assert f"#{order.number}" in sent[0].subject and "30 x " in sent[0].body


def test_only_what_is_allocated_ships(lamp, customer, shipping):
    order = place(customer, [(lamp.pk, 40)], shipping).order
    carrier = Carrier.objects.create(name="Test carrier")
    line = order.lines.get()

    with pytest.raises(OrderRefused) as refused:
        shipment_record(order=order, request=ShipmentRequest(carrier=carrier, tracking_numbers=[],
                                                             shipped_on="2026-12-06", quantities={line.pk: 40}))
    assert "ship between 0 and 25 (40 ordered, 0 already shipped, 15 on backorder)" in refused.value.problems[0]

    shipment_record(order=order, request=ShipmentRequest(carrier=carrier, tracking_numbers=[],
                                                         shipped_on="2026-12-06"))  # everything it can
    line.refresh_from_db()
    assert line.quantity_shipped == 25
    assert Order.objects.get(pk=order.pk).status == "partially_shipped"
    # and the database refuses to ship a unit on backorder, whatever path tries
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(pk=line.pk).update(quantity_shipped=26)


def test_editing_a_backordered_line_takes_off_the_backorder_first(lamp, customer, shipping, staff):
    order = place(customer, [(lamp.pk, 40)], shipping).order  # 25 + 15 waiting, stock 0
    stock_receive(quantities={lamp.pk: 5})  # all 5 to the order: 30 allocated, 10 waiting
    line = order.lines.get()
    line.refresh_from_db()
    assert line.quantity_backordered == 10 and stock(lamp) == 0

    edit(order, {lamp.pk: 32}, staff)  # 8 fewer: 8 come off the backorder, nothing back to stock
    line.refresh_from_db()
    assert (line.quantity, line.quantity_backordered) == (32, 2) and stock(lamp) == 0

    edit(order, {lamp.pk: 20}, staff)  # 12 fewer: 2 off the backorder, 10 back to stock
    line.refresh_from_db()
    assert (line.quantity, line.quantity_backordered) == (20, 0) and stock(lamp) == 10
    assert not Order.objects.get(pk=order.pk).backordered

    edit(order, {lamp.pk: 35}, staff)  # 15 more: 10 from stock, 5 on backorder
    line.refresh_from_db()
    assert (line.quantity, line.quantity_backordered) == (35, 5) and stock(lamp) == 0
    assert Order.objects.get(pk=order.pk).backordered
    assert ledger(lamp) == stock(lamp) - 25  # the 25 it started with came before the ledger
    kinds = set(StockMovement.objects.filter(product=lamp).values_list("kind", flat=True))
    assert kinds == {"sale", "receipt", "edit"}


def test_cancelling_gives_back_what_was_allocated_and_nothing_waits_any_more(lamp, customer, shipping):
    order = place(customer, [(lamp.pk, 40)], shipping).order
    order_cancel(order=order, reason="Customer changed their mind")
    assert stock(lamp) == 25
    assert OrderLine.objects.get(order=order).quantity_backordered == 0
    assert not Order.objects.get(pk=order.pk).backordered
    # a later receipt has nobody to serve: it all goes to stock
    received = stock_receive(quantities={lamp.pk: 5})
    assert received.allocated == {} and stock(lamp) == 30


def test_receiving_refuses_nonsense_and_changes_nothing(lamp):
    for quantities in ({}, {lamp.pk: 0}, {lamp.pk: -3}, {lamp.pk: 10**9}, {lamp.pk + 999: 3}):
        with pytest.raises(OrderRefused):
            stock_receive(quantities=quantities)
    assert stock(lamp) == 25 and not StockMovement.objects.exists()


def test_a_receipt_that_completes_several_orders_emails_each_once_even_if_its_task_runs_twice(
        lamp, customer, shipping, mailoutbox, django_capture_on_commit_callbacks):
    from orders.notifications.tasks import order_emails_fan_out

    first, second = (place(customer, [(lamp.pk, 30)], shipping).order for _ in range(2))  # 25 + 5, then 35 waiting
    with django_capture_on_commit_callbacks(execute=True):
        stock_receive(quantities={lamp.pk: 40})
    sent = sorted(message.subject for message in mailoutbox if "available" in message.subject)
    assert len(sent) == 2 and f"#{first.number}" in sent[0] and f"#{second.number}" in sent[1]

    task = OrderEvent.objects.filter(kind=OrderEvent.Kind.AVAILABLE_EMAIL_SENT).values_list("data__key", flat=True)
    key = task.first().rsplit("-", 1)[0]  # the fan-out's key; each order's is key-<number>
    with django_capture_on_commit_callbacks(execute=True):
        order_emails_fan_out.call([first.number, second.number], "available", key)  # its worker died: run again
    assert len([message for message in mailoutbox if "available" in message.subject]) == 2
