"""The return instructions and the refund confirmation: queued in the transaction that asks for them, sent by the
task queue (the immediate backend here) with retries, their outcome on the timeline and on the return or refund."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from orders.events import describe
from orders.models import Order, Refund, Return
from orders.notifications.tasks import order_email_send
from orders.payments.services import payment_record, refund_record
from tests.factories import OrderFactory, ProductFactory, customer_with_address
from tests.helpers import return_goods, ship_everything
from tests.queueing import FlakyBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(checkout_setup):
    lamp = ProductFactory(sku="LMP-7", name="Desk lamp", price=Decimal("20.00"))
    order = ship_everything(OrderFactory(customer=customer_with_address(email="ana@example.com"), lines=[(lamp, 3)],
                                         shipping=checkout_setup[0]))
    payment_record(order=order, amount=order.total, method="check", reference="Check 77",
                   received_on=timezone.localdate())
    return Order.objects.get(pk=order.pk)


def timeline(order) -> list[str]:
    return [describe(event) for event in order.events.order_by("pk")]


def authorize(order, capture, **request) -> Return:
    with capture(execute=True):
        ret, _ = return_goods(order, {"LMP-7": 2}, receive=False, **request)
    return Return.objects.get(pk=ret.pk)


def refund(order, capture, amount=Decimal("12.34"), **fields) -> Refund:
    with capture(execute=True):
        done = refund_record(order=order, amount=amount, method="check", reference="Check 9001", **fields)
    return Refund.objects.get(pk=done.pk)


def test_a_return_emails_its_instructions_with_its_number_to_the_orders_address(
        order, django_capture_on_commit_callbacks):
    ret = authorize(order, django_capture_on_commit_callbacks, send_email=True)

    [message] = mail.outbox
    assert message.to == ["ana@example.com"]
    assert ret.label in message.subject and ret.label in message.body
    assert "2 x LMP-7 Desk lamp" in message.body
    assert ret.label in message.alternatives[0][0]  # the HTML part too
    assert (ret.email_to, ret.email_state, ret.email_error) == ("ana@example.com", Order.EmailState.SENT, "")
    assert ret.email_sent_at is not None
    assert timeline(order)[-2:] == [f"Return instructions for {ret.label} queued for ana@example.com.",
                                    "Return instructions sent to ana@example.com."]


def test_a_return_without_the_box_ticked_sends_nothing(order, django_capture_on_commit_callbacks):
    ret = authorize(order, django_capture_on_commit_callbacks, send_email=False)

    assert mail.outbox == []
    assert (ret.email_to, ret.email_state) == ("", Order.EmailState.NOT_REQUESTED)
    assert not any("Return instructions" in line for line in timeline(order))


def test_a_refund_emails_its_confirmation_with_the_amount(order, django_capture_on_commit_callbacks):
    done = refund(order, django_capture_on_commit_callbacks, send_email=True)

    [message] = mail.outbox
    assert message.to == ["ana@example.com"] and f"#{order.number}" in message.subject
    assert "$12.34" in message.body and "Check 9001" in message.body
    assert (done.email_state, done.email_to) == (Order.EmailState.SENT, "ana@example.com")
    assert timeline(order)[-1] == "Refund confirmation sent to ana@example.com."


def test_a_refund_to_store_credit_says_so(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refund_record(order=order, amount=Decimal("5.00"), method="store_credit", send_email=True)

    [message] = mail.outbox
    assert "$5.00" in message.body and "store credit" in message.body


def test_a_refund_without_the_box_ticked_sends_nothing(order, django_capture_on_commit_callbacks):
    done = refund(order, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and done.email_state == Order.EmailState.NOT_REQUESTED


@pytest.mark.parametrize("kind", ["return", "refund"])
def test_each_failed_try_is_on_the_timeline_until_sent(settings, order, django_capture_on_commit_callbacks, kind):
    settings.EMAIL_BACKEND = "tests.queueing.FlakyBackend"
    FlakyBackend.calls = 0
    label = {"return": "Return instructions", "refund": "Refund confirmation"}[kind]

    if kind == "return":
        row = authorize(order, django_capture_on_commit_callbacks, send_email=True)
    else:
        row = refund(order, django_capture_on_commit_callbacks, send_email=True)

    lines = timeline(order)
    assert [line.split(",")[0] for line in lines[-3:-1]] == [f"{label}: try 1 of 5 failed",
                                                             f"{label}: try 2 of 5 failed"]
    assert lines[-1] == f"{label} sent to ana@example.com."
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.email_state, row.email_error) == (Order.EmailState.SENT, "")


class RefusingBackend(FlakyBackend):
    def send_messages(self, messages):
        raise ValueError("550 no such user")  # not a temporary failure: no retry


def test_a_return_email_that_fails_for_good_says_so_on_the_return_and_the_timeline(
        settings, order, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.orders.returns.test_emails.RefusingBackend"

    ret = authorize(order, django_capture_on_commit_callbacks, send_email=True)

    assert ret.email_state == Order.EmailState.FAILED and "550 no such user" in ret.email_error
    assert timeline(order)[-1].startswith("Return instructions failed: ValueError: 550 no such user")
    assert Return.objects.filter(pk=ret.pk).exists()  # the return stands


@pytest.mark.parametrize("kind", ["return", "refund"])
def test_a_try_run_twice_sends_once(order, django_capture_on_commit_callbacks, kind):
    if kind == "return":
        row = authorize(order, django_capture_on_commit_callbacks, send_email=True)
        about, sent = row.number, "return_email_sent"
    else:
        row = refund(order, django_capture_on_commit_callbacks, send_email=True)
        about, sent = row.pk, "refund_email_sent"
    key = order.events.get(kind=sent).data["key"]

    assert order_email_send.call(order.number, kind, key, about=about) == "already handled"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["X-Order-Email-Key"] == key
