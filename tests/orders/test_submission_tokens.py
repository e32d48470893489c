"""Record payment, Mark shipped and Add note carry a one-time token, fresh each time the form is drawn: the same
form submitted twice (a double click, Back and submit again) records one payment, one shipment, one note, and
the second answer says it was already recorded."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.fulfilment.models import Carrier, Shipment
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderEvent, OrderLine
from orders.payments.models import Payment
from orders.payments.services import payment_record
from orders.services import order_note_add
from tests.factories import OrderFactory, ProductFactory, ShippingMethodFactory
from tests.helpers import postgres_only, run_concurrently, submitted_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(checkout_setup):
    return OrderFactory(lines=[(ProductFactory(sku="AAA", price=Decimal("10.00")), 3),
                               (ProductFactory(sku="BBB"), 2)], shipping=checkout_setup[0])


@pytest.fixture
def carrier(db):
    return Carrier.objects.create(name="UPS")


def drawn(client, url: str, **changes) -> dict:
    """What the browser submits for the form at ``url`` as drawn, plus changes."""
    return submitted_data(client.get(url), ("form",), **changes)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_record_payment_submitted_twice_records_one_payment(staff_client, order):
    url = reverse("orders:payment_new", args=[order.number])
    data = drawn(staff_client, url, amount="5.00", reference="Check 1042")

    first = staff_client.post(url, data, follow=True)
    second = staff_client.post(url, data, follow=True)

    assert Payment.objects.count() == 1
    order.refresh_from_db()
    assert order.amount_paid == Decimal("5.00")
    assert order.events.filter(kind=OrderEvent.Kind.PAYMENT_RECORDED).count() == 1
    assert messages_of(first)[-1].startswith("Payment of $5.00 recorded.")
    assert messages_of(second)[-1].startswith("Payment of $5.00 was already recorded (this form was submitted twice)")
    assert [payment.reference for payment in second.context["payments"]] == ["Check 1042"]  # the order page


def test_mark_shipped_submitted_twice_ships_the_partial_quantity_once(staff_client, order, carrier):
    url = reverse("orders:shipment_new", args=[order.number])
    aaa = order.lines.get(sku="AAA")
    data = drawn(staff_client, url, **{f"line_{aaa.pk}": "1", f"line_{order.lines.get(sku='BBB').pk}": "0",
                                       "carrier": carrier.pk})

    staff_client.post(url, data)
    second = staff_client.post(url, data, follow=True)

    assert Shipment.objects.count() == 1
    assert OrderLine.objects.get(pk=aaa.pk).quantity_shipped == 1
    assert order.events.filter(kind=OrderEvent.Kind.SHIPMENT_RECORDED).count() == 1
    shipment = Shipment.objects.get()
    assert messages_of(second)[-1] == (f"Shipment {shipment.pk} was already recorded (this form was submitted "
                                       "twice); nothing more was shipped.")


def test_add_note_submitted_twice_adds_one_note(staff_client, order):
    page = staff_client.get(order.get_absolute_url())
    data = submitted_data(page, ("note_form",), text="Call before delivery")
    url = reverse("orders:note", args=[order.number])

    staff_client.post(url, data)
    second = staff_client.post(url, data, follow=True)

    assert order.events.filter(kind=OrderEvent.Kind.NOTE_ADDED).count() == 1
    assert messages_of(second)[-1] == "That note was already saved; it is on the timeline once."


def test_each_form_drawn_has_a_fresh_token(staff_client, order):
    url = reverse("orders:payment_new", args=[order.number])
    tokens = {drawn(staff_client, url)["token"] for _ in range(2)}
    notes = {submitted_data(staff_client.get(order.get_absolute_url()), ("note_form",))["token"] for _ in range(2)}
    assert len(tokens) == 2 and len(notes) == 2


def test_two_forms_drawn_record_two_payments(staff_client, order):
    url = reverse("orders:payment_new", args=[order.number])
    for _ in range(2):
        staff_client.post(url, drawn(staff_client, url, amount="1.00"))
    assert Payment.objects.count() == 2


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_a_form_without_its_token_is_refused_at_the_top_and_records_nothing(staff_client, order, token):
    url = reverse("orders:payment_new", args=[order.number])
    response = staff_client.post(url, drawn(staff_client, url, amount="5.00", token=token))
    assert response.status_code == 400
    assert "This form is out of date: open it again and resubmit." in response.content.decode()
    assert not Payment.objects.exists()


def test_a_token_used_on_another_order_is_refused(order, checkout_setup):
    other = OrderFactory(shipping=checkout_setup[0])
    token = uuid.uuid4()
    payment_record(order=order, amount=Decimal("1.00"), method="check", received_on=timezone.localdate(), token=token)
    with pytest.raises(OrderRefused, match="already submitted for another order"):
        payment_record(order=other, amount=Decimal("1.00"), method="check", received_on=timezone.localdate(),
                       token=token)
    assert Payment.objects.count() == 1


def test_the_services_return_the_first_record_for_a_token_already_used(order, carrier):
    token = uuid.uuid4()
    request = ShipmentRequest(carrier=carrier, tracking_numbers=[], shipped_on=timezone.localdate(),
                              quantities={order.lines.get(sku="AAA").pk: 1})
    first, again = (shipment_record(order=order, request=request, token=token) for _ in range(2))
    assert (first.pk, first.recorded_now, again.recorded_now) == (again.pk, True, False)
    note, repeated = (order_note_add(order=order, text="Hi", visible_to_customer=False, token=str(token))
                      for _ in range(2))
    assert note.pk == repeated.pk and not repeated.recorded_now


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_payment_and_shipment_submitted_at_once_record_one_each():
    order = OrderFactory(lines=[(ProductFactory(), 3)], shipping=ShippingMethodFactory())
    carrier = Carrier.objects.create(name="UPS")
    payment_token, shipment_token = uuid.uuid4(), uuid.uuid4()
    request = ShipmentRequest(carrier=carrier, tracking_numbers=[], shipped_on=timezone.localdate(),
                              quantities={order.lines.get().pk: 1})

    payments = run_concurrently(lambda: payment_record(
        order=Order.objects.get(pk=order.pk), amount=Decimal("1.00"), method="check",
        received_on=timezone.localdate(), token=payment_token), times=3)
    shipments = run_concurrently(lambda: shipment_record(order=Order.objects.get(pk=order.pk), request=request,
                                                         token=shipment_token), times=3)

    assert all(isinstance(result, Payment) for result in payments), payments
    assert all(isinstance(result, Shipment) for result in shipments), shipments
    assert Payment.objects.count() == 1 and Shipment.objects.count() == 1
    assert OrderLine.objects.get().quantity_shipped == 1
    order.refresh_from_db()
    assert order.amount_paid == Decimal("1.00")
    assert sorted(result.recorded_now for result in payments + shipments) == [False] * 4 + [True] * 2
