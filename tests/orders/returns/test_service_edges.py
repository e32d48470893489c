"""Edges of the returns services found in review: where a return over several orders sends its instructions, and
a refund by a method not offered."""

from decimal import Decimal

import pytest
from django.core import mail

from orders.lifecycle import OrderRefused
from orders.models import Order, Refund
from orders.payments.services import refund_record
from orders.returns.services import ReturnRequest, return_create
from tests.factories import OrderFactory, ProductFactory, customer_with_address
from tests.helpers import ship_everything

pytestmark = pytest.mark.django_db


def test_a_return_over_several_orders_sends_its_instructions_to_the_first_order_with_an_address(
        checkout_setup, django_capture_on_commit_callbacks):
    shipping, _ = checkout_setup
    customer = customer_with_address(email="pat@harbor.example")
    first = OrderFactory(customer=customer, lines=[(ProductFactory(), 1)], shipping=shipping)
    Order.objects.filter(pk=first.pk).update(customer_email="")  # its emails went nowhere
    second = OrderFactory(customer=customer, lines=[(ProductFactory(), 1)], shipping=shipping)
    lines = [ship_everything(order).lines.get().pk for order in (first, second)]

    with django_capture_on_commit_callbacks(execute=True):
        ret = return_create(customer=customer, request=ReturnRequest(quantities=dict.fromkeys(lines, 1),
                                                                     send_email=True))

    assert ret.email_to == "pat@harbor.example"
    [message] = mail.outbox
    assert message.to == ["pat@harbor.example"] and f"R{ret.number}" in message.subject
    assert second.events.filter(kind="return_email_queued").exists()
    assert not first.events.filter(kind="return_email_queued").exists()


def test_a_refund_by_a_method_not_offered_is_refused(checkout_setup):
    order = OrderFactory(shipping=checkout_setup[0])
    Order.objects.filter(pk=order.pk).update(amount_paid=order.total)
    order.refresh_from_db()

    with pytest.raises(OrderRefused, match="refund methods offered"):
        refund_record(order=order, amount=Decimal("1.00"), method="bitcoin")
    assert not Refund.objects.exists()
