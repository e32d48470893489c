import uuid
from decimal import Decimal

import pytest
from django.core import mail

from catalog.models import Product, StockMovement
from orders.changes.services import order_cancel, order_status_change
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.ordering.placing import OrderChanged
from tests.factories import ProductFactory, customer_with_address
from tests.helpers import ADDRESS, place

pytestmark = pytest.mark.django_db

def test_place_order_snapshots_lines_and_computes_totals(checkout_setup):
    shipping, _ = checkout_setup
    customer = customer_with_address()
    widget = ProductFactory(sku="WID-1", name="Widget", price=Decimal("19.99"), stock=10)
    bolt = ProductFactory(sku="BOLT", name="Bolt", price=Decimal("0.35"), stock=500)

    placed = place(customer, [(widget.pk, 3), (bolt.pk, 7)], shipping, channel="fax")

    order = placed.order
    assert placed.created
    assert order.subtotal == Decimal("62.42")  # 59.97 + 2.45
    assert order.shipping == Decimal("5.00")
    assert order.tax == Decimal("4.99")  # 8% of 62.42 = 4.9936, half-up to cents
    assert order.total == Decimal("72.41")
    assert order.channel == "fax"
    assert order.customer_name == customer.name
    lines = {line.sku: line for line in order.lines.all()}
    assert lines["WID-1"].unit_price == Decimal("19.99") and lines["WID-1"].line_total == Decimal("59.97")
    assert lines["BOLT"].name == "Bolt" and lines["BOLT"].quantity == 7


def test_tax_rounds_half_up_once_on_the_subtotal(shipping, db):
    from orders.pricing.models import TaxRate

    TaxRate.objects.create(name="Tax", rate=Decimal("5.000"))
    product = ProductFactory(price=Decimal("0.10"))
    order = place(customer_with_address(), [(product.pk, 1)], shipping).order
    assert order.tax == Decimal("0.01")  # 0.005 rounds up, not to even


def test_order_keeps_its_snapshot_when_the_catalog_changes(checkout_setup):
    shipping, _ = checkout_setup
    product = ProductFactory(sku="OLD", name="Old name", price=Decimal("5.00"))
    order = place(customer_with_address(), [(product.pk, 2)], shipping).order

    Product.objects.filter(pk=product.pk).update(name="New name", price=Decimal("99.00"), is_active=False)

    line = OrderLine.objects.get(order=order)
    assert (line.name, line.unit_price, line.line_total) == ("Old name", Decimal("5.00"), Decimal("10.00"))


def test_place_order_takes_stock_but_not_from_untracked_products(checkout_setup):
    shipping, _ = checkout_setup
    tracked = ProductFactory(stock=10)
    untracked = ProductFactory(stock=0, track_inventory=False)
    place(customer_with_address(), [(tracked.pk, 4), (untracked.pk, 50)], shipping)
    tracked.refresh_from_db()
    untracked.refresh_from_db()
    assert (tracked.stock, untracked.stock) == (6, 0)


def test_place_order_rejects_every_short_or_inactive_line_at_once(checkout_setup):
    shipping, _ = checkout_setup
    short = ProductFactory(sku="SHORT", stock=2)
    gone = ProductFactory(sku="GONE", is_active=False)
    fine = ProductFactory(sku="FINE", stock=5)

    with pytest.raises(OrderRefused) as refused:
        place(customer_with_address(), [(short.pk, 3), (gone.pk, 1), (fine.pk, 1)], shipping)

    text = " ".join(refused.value.problems)
    assert "SHORT" in text and "3 ordered, only 2 in stock" in text
    assert "GONE" in text and "No longer sold" in text
    assert "FINE" not in text
    assert Order.objects.count() == 0
    assert Product.objects.get(pk=fine.pk).stock == 5  # nothing taken when refused


def test_place_order_refuses_empty_order_and_missing_customer(checkout_setup):
    shipping, _ = checkout_setup
    customer = customer_with_address()
    with pytest.raises(OrderRefused, match="no lines"):
        place(customer, [], shipping)
    product = ProductFactory()
    with pytest.raises(OrderRefused, match="No customer"):
        place(customer, [(product.pk, 1)], shipping, customer_id=None)
    customer_id = customer.pk
    customer.delete()
    with pytest.raises(OrderRefused, match="No customer"):
        place(customer, [(product.pk, 1)], shipping, customer_id=customer_id)


def test_place_order_refuses_when_total_no_longer_matches_the_review(checkout_setup):
    shipping, _ = checkout_setup
    product = ProductFactory(price=Decimal("10.00"))
    with pytest.raises(OrderChanged, match="changed from 16.00"):
        place(customer_with_address(), [(product.pk, 1)], shipping, expected_total=Decimal("16.00"))
    assert Order.objects.count() == 0


@pytest.mark.parametrize("stock", [10, 2])  # 2: the first order takes the last units, so the second would be refused
def test_same_token_twice_places_one_order(checkout_setup, stock):
    shipping, _ = checkout_setup
    product = ProductFactory(stock=stock)
    customer = customer_with_address()
    token = uuid.uuid4()

    first = place(customer, [(product.pk, 2)], shipping, token=token)
    second = place(customer, [(product.pk, 2)], shipping, token=token)

    assert first.created and not second.created
    assert second.order.number == first.order.number
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=product.pk).stock == stock - 2


def test_same_token_after_a_price_change_gets_its_order_not_a_new_review(checkout_setup):
    shipping, _ = checkout_setup
    product = ProductFactory(price=Decimal("10.00"))
    customer = customer_with_address()
    token = uuid.uuid4()
    first = place(customer, [(product.pk, 1)], shipping, token=token)
    Product.objects.filter(pk=product.pk).update(price=Decimal("12.00"))

    again = place(customer, [(product.pk, 1)], shipping, token=token, expected_total=first.order.total)

    assert not again.created and again.order.total == first.order.total and Order.objects.count() == 1


def test_order_numbers_are_never_reused(checkout_setup):
    shipping, _ = checkout_setup
    product = ProductFactory()
    customer = customer_with_address()
    first = place(customer, [(product.pk, 1)], shipping).order
    first_number = first.number
    first.lines.all().delete()
    first.events.all().delete()
    StockMovement.objects.filter(order=first).delete()
    first.delete()
    second = place(customer, [(product.pk, 1)], shipping).order
    assert second.number > first_number


def test_confirmation_is_sent_after_commit_when_asked(checkout_setup, django_capture_on_commit_callbacks):
    shipping, _ = checkout_setup
    customer = customer_with_address(email="pat@example.com")
    product = ProductFactory(sku="WID", name="Widget")
    with django_capture_on_commit_callbacks(execute=True):
        order = place(customer, [(product.pk, 2)], shipping, send_confirmation=True).order

    order.refresh_from_db()
    assert order.confirmation_state == Order.EmailState.SENT
    assert order.confirmation_sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat@example.com"]
    assert f"Order #{order.number}" in message.subject
    assert "WID" in message.body and "Widget" in message.body and "Total" in message.body
    html = message.alternatives[0][0]
    assert f"Order #{order.number}" in html and "1 Main St" in html


def test_no_confirmation_when_not_asked(checkout_setup, django_capture_on_commit_callbacks):
    shipping, _ = checkout_setup
    product = ProductFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = place(customer_with_address(), [(product.pk, 1)], shipping, send_confirmation=False).order
    assert mail.outbox == []
    assert order.confirmation_state == Order.EmailState.NOT_REQUESTED


def test_saving_addresses_adds_them_to_the_book(checkout_setup):
    shipping, _ = checkout_setup
    customer = customer_with_address()
    product = ProductFactory()
    shipping_address = ADDRESS | {"line1": "99 Warehouse Rd"}
    place(customer, [(product.pk, 1)], shipping, shipping_address=shipping_address, save_addresses=True)
    customer.refresh_from_db()
    assert customer.default_shipping_address.line1 == "99 Warehouse Rd"
    assert customer.addresses.count() == 3


def test_status_changes_follow_the_allowed_transitions(checkout_setup):
    shipping, _ = checkout_setup
    order = place(customer_with_address(), [(ProductFactory().pk, 1)], shipping).order
    assert order_status_change(order=order, status="processing").status == "processing"
    with pytest.raises(OrderRefused, match="cannot become placed"):
        order_status_change(order=order, status="placed")
    with pytest.raises(OrderRefused, match="cannot become cancelled"):
        order_status_change(order=order, status="cancelled")  # cancelling goes through order_cancel
    assert order_cancel(order=order, reason="customer asked").order.status == "cancelled"
    with pytest.raises(OrderRefused):
        order_status_change(order=order, status="shipped")
