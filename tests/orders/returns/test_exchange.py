"""Exchange: a return's customer gets a new cart with the returned products, and placing it pays from what the
return credits them (through their store credit); and Apply store credit at checkout."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from oms.core.money import format_money
from orders.events import describe
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.models import Order, Payment, StoreCredit
from orders.ordering.stores import Cart
from orders.payments.selectors import store_credit_balance
from orders.payments.services import payment_record, refund_record
from orders.payments.terms import balance_due
from orders.returns.services import ReturnRequest, return_create, return_receive
from tests.factories import OrderFactory, ProductFactory, customer_with_address
from tests.helpers import checkout_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamps(checkout_setup):
    return ProductFactory(sku="LAMP", price=Decimal("20.00"), stock=10)


@pytest.fixture
def paid_and_shipped(lamps, shipping):
    """Five lamps ordered, paid in full and shipped."""
    order = OrderFactory(customer=customer_with_address(), lines=[(lamps, 5)], shipping=shipping)
    payment_record(order=order, amount=order.total, method=Payment.Method.CHECK, received_on=date.today())
    shipment_record(order=order, request=ShipmentRequest(carrier=Carrier.objects.create(name="UPS"),
                                                         tracking_numbers=[], shipped_on=date.today()))
    order.refresh_from_db()
    return order


def two_lamps_back(order: Order, *, receive: bool = True):
    line = order.lines.get()
    ret = return_create(customer=order.customer, request=ReturnRequest(quantities={line.pk: 2}))
    if receive:
        return_receive(ret=ret, received={ret.lines.get().pk: 2})
    order.refresh_from_db()
    return ret


def test_exchange_starts_a_cart_for_the_customer_with_the_returned_products(staff_client, paid_and_shipped):
    ret = two_lamps_back(paid_and_shipped)

    response = staff_client.post(reverse("orders:return_exchange", args=[ret.number]))

    cart = Cart.all(staff_client.session)[-1]
    assert response.url == reverse("orders:cart", args=[cart.id])
    assert cart.customer_id == paid_and_shipped.customer_id
    assert cart.exchange_for == ret.number
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(paid_and_shipped.lines.get().product_id, 2)]
    page = staff_client.get(response.url).content.decode()
    assert f"Exchange for return R{ret.number}" in page


def test_placing_an_exchange_pays_it_from_the_returns_credit(staff_client, paid_and_shipped):
    ret = two_lamps_back(paid_and_shipped)
    owed = -balance_due(paid_and_shipped)
    assert owed > 0  # the two lamps credited, and the order was paid in full
    staff_client.post(reverse("orders:return_exchange", args=[ret.number]))
    cart = Cart.all(staff_client.session)[-1]

    response = staff_client.post(reverse("orders:checkout", args=[cart.id]), checkout_form(staff_client, cart.id))

    new = Order.objects.exclude(pk=paid_and_shipped.pk).get()
    assert response.url == new.get_absolute_url()
    paid_and_shipped.refresh_from_db()
    assert balance_due(paid_and_shipped) == 0  # what it owed went to store credit (a refund)
    assert paid_and_shipped.refunds.get().method == Payment.Method.STORE_CREDIT
    applied = min(owed, new.total)
    assert new.payments.get().amount == applied and new.payments.get().method == Payment.Method.STORE_CREDIT
    assert balance_due(new) == new.total - applied
    assert store_credit_balance(new.customer_id) == owed - applied
    timeline = [describe(event) for event in new.events.all()]
    assert any(sentence.startswith(f"Store credit of {format_money(applied)} applied") for sentence in timeline)


def test_an_exchange_before_the_return_arrives_applies_no_credit(staff_client, paid_and_shipped):
    ret = two_lamps_back(paid_and_shipped, receive=False)
    staff_client.post(reverse("orders:return_exchange", args=[ret.number]))
    cart = Cart.all(staff_client.session)[-1]

    staff_client.post(reverse("orders:checkout", args=[cart.id]), checkout_form(staff_client, cart.id))

    new = Order.objects.exclude(pk=paid_and_shipped.pk).get()
    assert not new.payments.exists() and balance_due(new) == new.total
    assert not StoreCredit.objects.exists()


def test_checkout_offers_store_credit_only_to_a_customer_who_has_some(staff_client, paid_and_shipped, lamps,
                                                                     new_cart):
    cart_id = new_cart(paid_and_shipped.customer)
    staff_client.post(reverse("orders:cart_add", args=[cart_id]), {"query": "LAMP", "quantity": 1})
    assert "Apply store credit" not in staff_client.get(reverse("orders:checkout", args=[cart_id])).content.decode()

    refund_record(order=paid_and_shipped, amount=Decimal("5.00"), method=Payment.Method.STORE_CREDIT)

    page = staff_client.get(reverse("orders:checkout", args=[cart_id])).content.decode()
    assert "Apply store credit" in page and "$5.00 available" in page
    cart_page = staff_client.get(reverse("orders:cart", args=[cart_id])).content.decode()
    assert "Store credit $5.00" in cart_page


@pytest.mark.parametrize("ticked", [True, False])
def test_apply_store_credit_pays_what_the_credit_covers_when_ticked(staff_client, paid_and_shipped, new_cart,
                                                                    ticked):
    refund_record(order=paid_and_shipped, amount=Decimal("5.00"), method=Payment.Method.STORE_CREDIT)
    cart_id = new_cart(paid_and_shipped.customer)
    staff_client.post(reverse("orders:cart_add", args=[cart_id]), {"query": "LAMP", "quantity": 1})

    data = checkout_form(staff_client, cart_id, apply_store_credit="on" if ticked else None)
    staff_client.post(reverse("orders:checkout", args=[cart_id]), data)

    new = Order.objects.exclude(pk=paid_and_shipped.pk).get()
    assert new.amount_paid == (Decimal("5.00") if ticked else 0)
    assert store_credit_balance(new.customer_id) == (0 if ticked else Decimal("5.00"))


def test_record_payment_from_store_credit_never_takes_more_than_the_credit(paid_and_shipped, lamps, shipping):
    from orders.lifecycle import OrderRefused

    refund_record(order=paid_and_shipped, amount=Decimal("5.00"), method=Payment.Method.STORE_CREDIT)
    new = OrderFactory(customer=paid_and_shipped.customer, lines=[(lamps, 1)], shipping=shipping)

    with pytest.raises(OrderRefused, match=r"\$5.00 of store credit"):
        payment_record(order=new, amount=Decimal("6.00"), method=Payment.Method.STORE_CREDIT,
                       received_on=date.today())
    payment_record(order=new, amount=Decimal("5.00"), method=Payment.Method.STORE_CREDIT, received_on=date.today())

    assert store_credit_balance(new.customer_id) == 0
    assert new.store_credit.get().amount == Decimal("-5.00")
