"""Mark shipped: quantities per line, partial and whole shipments, the shipping confirmation, and refusals."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from orders.changes.services import order_cancel
from orders.events import describe
from orders.fulfilment.models import Carrier, Shipment
from orders.fulfilment.services import ShipmentRequest, shipment_email_request, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from tests.factories import OrderFactory, ProductFactory, customer_with_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def carrier(db):
    return Carrier.objects.create(name="UPS", tracking_url="https://ups.example/track?n={number}")


@pytest.fixture
def order(checkout_setup):
    return OrderFactory(lines=[(ProductFactory(sku="AAA"), 3), (ProductFactory(sku="BBB"), 2)],
                        shipping=checkout_setup[0])


def lines(order):
    return {line.sku: line for line in order.lines.all()}


def ship(order, carrier, quantities=None, **kwargs):
    request = ShipmentRequest(carrier=carrier, tracking_numbers=["1Z999"], shipped_on=timezone.localdate(),
                              quantities=quantities, **kwargs)
    return shipment_record(order=order, request=request)


def test_shipping_part_leaves_the_order_partially_shipped_then_shipped(order, carrier):
    by_sku = lines(order)
    ship(order, carrier, {by_sku["AAA"].pk: 2})
    order.refresh_from_db()
    assert order.status == "partially_shipped"
    assert {sku: line.quantity_shipped for sku, line in lines(order).items()} == {"AAA": 2, "BBB": 0}
    ship(order, carrier)  # the rest: everything not yet shipped
    order.refresh_from_db()
    assert order.status == "shipped"
    assert {sku: line.quantity_shipped for sku, line in lines(order).items()} == {"AAA": 3, "BBB": 2}
    assert order.events.filter(kind="shipment_recorded").count() == 2


def test_shipped_quantities_cannot_be_exceeded(order, carrier):
    by_sku = lines(order)
    ship(order, carrier, {by_sku["AAA"].pk: 2})
    with pytest.raises(OrderRefused, match="AAA: ship between 0 and 1"):
        ship(order, carrier, {by_sku["AAA"].pk: 2})
    assert Shipment.objects.count() == 1 and lines(order)["AAA"].quantity_shipped == 2


def test_the_database_refuses_more_shipped_than_ordered(order):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(order=order).update(quantity_shipped=99)


def test_lines_of_another_order_are_refused(order, carrier, checkout_setup):
    other = OrderFactory(shipping=checkout_setup[0])
    with pytest.raises(OrderRefused, match="not a line of order"):
        ship(order, carrier, {other.lines.get().pk: 1})
    assert not Shipment.objects.exists()


def test_a_cancelled_order_cannot_ship_and_a_partly_shipped_one_cannot_be_cancelled(order, carrier,
                                                                                    checkout_setup):
    ship(order, carrier, {lines(order)["AAA"].pk: 1})
    with pytest.raises(OrderRefused, match="shipped order cannot be cancelled"):
        order_cancel(order=order, reason="too late")
    other = OrderFactory(shipping=checkout_setup[0])
    order_cancel(order=other, reason="customer asked")
    with pytest.raises(OrderRefused, match="cancelled: nothing can be shipped"):
        ship(other, carrier)


def test_shipping_confirmation_goes_through_the_email_machinery(order, carrier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, carrier, send_email=True)
    [message] = mail.outbox
    assert message.to == [order.customer_email] and "1Z999" in message.body
    assert "https://ups.example/track?n=1Z999" in message.body
    shipment.refresh_from_db()
    assert shipment.email_state == "sent"
    assert order.events.filter(kind="shipping_email_sent").exists()
    with django_capture_on_commit_callbacks(execute=True):
        shipment_email_request(shipment=shipment)
    assert len(mail.outbox) == 2


def test_a_failing_provider_marks_the_shipping_email_failed(settings, order, carrier,
                                                            django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.orders.notifications.test_emails.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, carrier, send_email=True)
    shipment.refresh_from_db()
    assert shipment.email_state == "failed" and "unreachable" in shipment.email_error
    assert Order.objects.get().status == "shipped"


def post_shipment(client, order, **changes):
    data = {"carrier": Carrier.objects.get().pk, "tracking_numbers": "1Z999AA10123456784",
            "shipped_on": timezone.localdate().isoformat(), "send_email": "on", "token": uuid.uuid4()}
    data |= {f"line_{line.pk}": line.quantity_unshipped for line in order.lines.all()}
    return client.post(reverse("orders:shipment_new", args=[order.number]),
                       {key: value for key, value in (data | changes).items() if value is not None})


def test_mark_shipped_page_ships_part_and_emails_the_tracking_number(staff_client, order, carrier,
                                                                     django_capture_on_commit_callbacks):
    page = staff_client.get(order.get_absolute_url())
    assert b"Mark shipped" in page.content
    form = staff_client.get(reverse("orders:shipment_new", args=[order.number]))
    assert form.context["form"]["send_email"].value() is True
    bbb = lines(order)["BBB"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_shipment(staff_client, order, **{f"line_{bbb.pk}": "0"})
    assert response.status_code == 302
    assert Order.objects.get().status == "partially_shipped"
    assert "1Z999AA10123456784" in mail.outbox[0].body


BAD = [
    ({"tracking_numbers": "x" * 10_000}, "tracking_numbers", "at most 1000"),
    ({"tracking_numbers": "1Z\x00"}, "tracking_numbers", "Null characters"),
    ({"tracking_numbers": "<script>"}, "tracking_numbers", "not a tracking number"),
    ({"carrier": "²"}, "carrier", "no longer offered"),
    ({"carrier": "999999"}, "carrier", "no longer offered"),
    ({"shipped_on": "2999-01-01"}, "shipped_on", "in the future"),
    ({"line": "-1"}, "line", "whole number"),
    ({"line": "٣"}, "line", "whole number"),
    ({"line": "4"}, "line", "At most 3"),
    ({"line": "9" * 10_000}, "line", "whole number"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD, ids=[repr(bad[0])[:40] for bad in BAD])
def test_bad_shipments_get_a_message_by_the_field_and_change_nothing(staff_client, order, carrier, changes, field,
                                                                     message):
    aaa = lines(order)["AAA"]
    if "line" in changes:
        changes, field = {f"line_{aaa.pk}": changes["line"]}, f"line_{aaa.pk}"
    response = post_shipment(staff_client, order, **changes)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Shipment.objects.exists() and Order.objects.get().status == "placed"


def test_shipping_nothing_is_refused(staff_client, order, carrier):
    response = post_shipment(staff_client, order, **{f"line_{line.pk}": "0" for line in order.lines.all()})
    assert response.status_code == 400 and b"Nothing to ship" in response.content


def test_a_cancelled_order_has_no_mark_shipped(staff_client, order, carrier):
    order_cancel(order=order, reason="customer asked")
    assert b"Mark shipped" not in staff_client.get(order.get_absolute_url()).content
    assert post_shipment(staff_client, order).status_code == 302
    assert not Shipment.objects.exists()


def test_the_ship_date_defaults_to_today_and_an_order_without_email_sends_none(staff_client, carrier, checkout_setup):
    order = OrderFactory(customer=customer_with_address(email=""), shipping=checkout_setup[0])
    form = staff_client.get(reverse("orders:shipment_new", args=[order.number])).context["form"]
    assert form["shipped_on"].value() == timezone.localdate() and form["send_email"].value() is False
    assert timezone.localdate() - timedelta(days=1) < form["shipped_on"].value()


def test_resending_a_shipment_of_another_order_is_not_found(staff_client, order, carrier, checkout_setup):
    other = OrderFactory(shipping=checkout_setup[0])
    shipment = ship(other, carrier)
    response = staff_client.post(reverse("orders:shipment_resend", args=[order.number, shipment.pk]))
    assert response.status_code == 404
    assert not order.events.filter(kind="shipping_email_resent").exists()


def test_order_entry_staff_see_no_mark_shipped_and_a_forged_post_changes_nothing(client, order, carrier):
    from tests.factories import UserFactory

    client.force_login(UserFactory())  # Order entry
    assert b"Mark shipped" not in client.get(order.get_absolute_url()).content
    assert post_shipment(client, order).status_code == 403
    assert not Shipment.objects.exists()


def test_the_resend_limit_holds_for_shipping_confirmations(settings, order, carrier):
    settings.RESEND_LIMIT_PER_HOUR = 1
    shipment = ship(order, carrier)
    shipment_email_request(shipment=shipment)
    with pytest.raises(OrderRefused, match="already resent 1 times"):
        shipment_email_request(shipment=shipment)


def test_the_shipping_confirmation_is_a_task_written_in_the_shipments_transaction(settings, order, carrier):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(RuntimeError), transaction.atomic():
        ship(order, carrier, send_email=True)
        raise RuntimeError("the request failed after the shipment")
    assert not DBTaskResult.objects.exists() and not Shipment.objects.exists()

    shipment = ship(order, carrier, send_email=True)
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "orders.notifications.tasks.order_email_send"
    assert task.args_kwargs["args"][:2] == [order.number, "shipping"]
    assert task.args_kwargs["kwargs"]["about"] == shipment.pk
    assert not mail.outbox  # a worker sends it


def test_a_shipping_confirmation_try_run_twice_sends_once_and_retries_are_on_the_timeline(
        settings, order, carrier, django_capture_on_commit_callbacks):
    from orders.notifications.tasks import order_email_send
    from tests.queueing import FlakyBackend

    settings.EMAIL_BACKEND = "tests.queueing.FlakyBackend"
    FlakyBackend.calls = 0
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, carrier, send_email=True)
    shipment.refresh_from_db()
    assert shipment.email_state == "sent" and shipment.email_error == "" and len(mail.outbox) == 1
    messages = [describe(event) for event in order.events.filter(kind__startswith="shipping_email").order_by("pk")]
    assert messages[1].startswith("Shipping confirmation: try 1 of 5 failed")
    assert messages[-1] == f"Shipping confirmation sent to {order.customer_email}."
    sent = order.events.get(kind="shipping_email_sent")
    assert sent.data["shipment"] == shipment.pk
    assert order_email_send.call(order.number, "shipping", sent.data["key"], about=shipment.pk) == "already handled"
    assert len(mail.outbox) == 1
    assert Order.objects.get().confirmation_state == order.confirmation_state  # the order's own email untouched


def test_the_order_page_lists_each_shipments_contents_in_a_fixed_number_of_queries(
        staff_client, order, carrier, checkout_setup, django_assert_max_num_queries):
    by_sku = lines(order)
    ship(order, carrier, {by_sku["AAA"].pk: 2})
    ship(order, carrier)
    other = OrderFactory(lines=[(ProductFactory(sku="CCC"), 1)], shipping=checkout_setup[0])
    ship(other, carrier)  # another order's shipment is not this order's

    with django_assert_max_num_queries(11):  # session, user, device, perms (2), order, lines, events, shipments (+2)
        page = staff_client.get(order.get_absolute_url()).content.decode()

    assert "2 × AAA</p>" in page and "1 × AAA, 2 × BBB</p>" in page and "CCC" not in page
    assert page.index("2 × AAA</p>") < page.index("1 × AAA, 2 × BBB</p>")  # in the order they shipped
