"""Typed timeline events: each kind stores data, and its sentence is drawn from that data when shown."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from orders import events
from orders.fulfilment.models import Carrier, Shipment
from orders.models import Order, OrderEvent
from orders.payments.models import Payment
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

Kind = OrderEvent.Kind
RETRY_AT = datetime(2030, 1, 5, 14, 3, 9, tzinfo=UTC)


RETURN = SimpleNamespace(number=7, reason_shown="Defective: flickers", condition="resaleable")


def shipment(**fields) -> Shipment:
    return Shipment(pk=3, carrier=Carrier(name="UPS"), **fields)


EDIT = {"added": [{"sku": "NEW", "quantity": 2, "unit_price": "2.50"}], "removed": [{"sku": "DROP", "quantity": 1}],
        "changed": [{"sku": "KEEP", "before": 3, "after": 5},
                    {"sku": "KEEP", "price_before": "10.00", "price_after": "8.00", "reason": "Price match"}],
        "restocked": {"DROP": 1}, "taken": {"KEEP": 2, "NEW": 2},
        "discount": {"before": "none", "after": "10% (Loyal)"},
        "shipping_address": {"before": {"line1": "1 Main St"}, "after": {"line1": "2 Harbor Rd"}},
        "shipping_method": {"before": "Ground (5.00)", "after": "Express (15.00)"},
        "total": {"before": "40.00", "after": "55.50"}, "payment_status": {"before": "paid", "after": "partially paid"}}

# (what happened, the event function's call on an order, the sentence the timeline shows)
SENTENCES = [
    ("placed", lambda order: events.order_placed_event(order=order, actor=None, total=Decimal("64.80"), lines=2),
     "Placed: 2 line(s), total 64.80."),
    ("status", lambda order: events.status_changed_event(order=order, actor=None, before="placed",
                                                         after="processing"),
     "Status changed from placed to processing."),
    ("confirmation queued", lambda order: events.confirmation_queued_event(order=order, actor=None, to="a@x.example"),
     "Confirmation email queued for a@x.example."),
    ("confirmation resent", lambda order: events.confirmation_resent_event(order=order, actor=None, to="a@x.example"),
     "Confirmation resend requested, to a@x.example."),
    ("email changed", lambda order: events.email_changed_event(order=order, actor=None, before="",
                                                               after="ap@x.example"),
     "Email address changed from none to ap@x.example."),
    ("staff note", lambda order: events.note_added_event(order=order, actor=None, text="Call first",
                                                         visible_to_customer=False),
     "Staff note: Call first"),
    ("customer note", lambda order: events.note_added_event(order=order, actor=None, text="Leave at the door",
                                                            visible_to_customer=True),
     "Note for the customer: Leave at the door"),
    ("cancelled", lambda order: events.order_cancelled_event(order=order, actor=None, reason="duplicate",
                                                             restocked={"WID": 2, "LMP": 1}),
     "Cancelled: duplicate. Restocked 1 x LMP, 2 x WID."),
    ("cancelled, nothing tracked", lambda order: events.order_cancelled_event(order=order, actor=None, reason="x",
                                                                              restocked={}),
     "Cancelled: x. Restocked nothing tracked."),
    ("edited", lambda order: events.order_edited_event(order=order, actor=None, token="t-1", changes=EDIT),
     "Edited: added 2 x NEW; removed 1 x DROP; KEEP quantity 3 → 5; KEEP price 10.00 → 8.00 (Price match); "
     "discount none → 10% (Loyal); shipping address changed; shipping Ground (5.00) → Express (15.00); "
     "restocked 1 x DROP; total 40.00 → 55.50; now partially paid (was paid)."),
    ("payment", lambda order: events.payment_recorded_event(
        order=_as(order, payment_status="partially_paid"), actor=None, balance=Decimal("1044.80"),
        payment=Payment(pk=7, amount=Decimal("20.00"), method="check", reference="1234")),
     "Payment of $20.00 recorded (Check, 1234); partially paid, balance due $1,044.80."),
    ("payment, no reference", lambda order: events.payment_recorded_event(
        order=_as(order, payment_status="paid"), actor=None, balance=Decimal("0"),
        payment=Payment(pk=7, amount=Decimal("5"), method="cash", reference="")),
     "Payment of $5.00 recorded (Cash); paid, balance due $0.00."),
    ("shipment", lambda order: events.shipment_recorded_event(
        order=_as(order, status="partially_shipped"), actor=None, lines={"WID": 2, "LMP": 1},
        shipment=shipment(tracking_numbers=["1Z1", "1Z2"])),
     "Shipped 1 x LMP, 2 x WID by UPS (1Z1, 1Z2); partially shipped."),
    ("shipment, no tracking", lambda order: events.shipment_recorded_event(
        order=_as(order, status="shipped"), actor=None, lines={"WID": 1000}, shipment=shipment(tracking_numbers=[])),
     "Shipped 1,000 x WID by UPS (no tracking number); shipped."),
    ("shipping queued", lambda order: events.shipping_email_queued_event(
        order=order, actor=None, shipment=shipment(email_to="s@x.example")),
     "Shipping confirmation queued for s@x.example."),
    ("shipping resent", lambda order: events.shipping_email_resent_event(
        order=order, actor=None, shipment=shipment(), to="s@x.example"),
     "Shipping confirmation resend requested, to s@x.example."),
    ("confirmation sent", lambda order: events.email_sent_event(
        order=order, kind=Kind.CONFIRMATION_SENT, to="a@x.example", key="k", attempt=1),
     "Confirmation email sent to a@x.example."),
    ("shipping sent", lambda order: events.email_sent_event(
        order=order, kind=Kind.SHIPPING_EMAIL_SENT, to="s@x.example", key="k", attempt=2, about={"shipment": 3}),
     "Shipping confirmation sent to s@x.example."),
    ("try failed", lambda order: events.email_failed_event(
        order=order, kind=Kind.CONFIRMATION_FAILED, key="k", attempt=2, tries=5, error="SMTP 451 busy",
        retry_at=RETRY_AT),
     "Confirmation email: try 2 of 5 failed, trying again at 14:03:09: SMTP 451 busy"),
    ("failed for good", lambda order: events.email_failed_event(
        order=order, kind=Kind.CONFIRMATION_FAILED, key="k", attempt=5, tries=5, error="SMTP 550 no such user"),
     "Confirmation email failed after 5 tries: SMTP 550 no such user"),
    ("failed at once", lambda order: events.email_failed_event(
        order=order, kind=Kind.SHIPPING_EMAIL_FAILED, key="k", attempt=1, tries=5, error="bounced",
        about={"shipment": 3}),
     "Shipping confirmation failed: bounced"),
    ("return authorized", lambda order: events.return_authorized_event(
        order=order, actor=None, ret=RETURN, lines={"LAMP": 2, "MUG": 1}),
     "Return R7 authorized: 2 x LAMP, 1 x MUG, resaleable (Defective: flickers)."),
    ("return received", lambda order: events.return_received_event(
        order=order, actor=None, ret=RETURN, lines={"LAMP": 2}, restocked={"LAMP": 2}),
     "Return R7 received: 2 x LAMP; restocked 2 x LAMP."),
    ("return email queued", lambda order: events.return_email_queued_event(
        order=order, actor=None, ret=RETURN, to="r@x.example"),
     "Return instructions for R7 queued for r@x.example."),
    ("return email sent", lambda order: events.email_sent_event(
        order=order, kind=Kind.RETURN_EMAIL_SENT, to="r@x.example", key="k", attempt=1, about={"return": 7}),
     "Return instructions sent to r@x.example."),
    ("return email failed", lambda order: events.email_failed_event(
        order=order, kind=Kind.RETURN_EMAIL_FAILED, key="k", attempt=1, tries=5, error="bounced"),
     "Return instructions failed: bounced"),
    ("credit memo of a return", lambda order: events.credit_memo_event(
        order=order, actor=None, memo=SimpleNamespace(number=4, total=Decimal("86.40"), reason="", ret_id=7),
        balance=Decimal("-86.40")),
     "Credit memo CM4 of $86.40 (return R7); owed to the customer $86.40."),
    ("goodwill credit memo", lambda order: events.credit_memo_event(
        order=order, actor=None, memo=SimpleNamespace(number=5, total=Decimal("10.00"), reason="Late delivery",
                                                      ret_id=None), balance=Decimal("30.00")),
     "Credit memo CM5 of $10.00 (Late delivery); balance due $30.00."),
    ("refund", lambda order: events.refund_event(
        order=order, actor=None, refund=SimpleNamespace(pk=2, amount=Decimal("86.40"), method="check",
                                                        reference="Check 2001"), balance=Decimal("0")),
     "Refund of $86.40 (Check, Check 2001); balance due $0.00."),
    ("refund email sent", lambda order: events.email_sent_event(
        order=order, kind=Kind.REFUND_EMAIL_SENT, to="r@x.example", key="k", attempt=1, about={"refund": 2}),
     "Refund confirmation sent to r@x.example."),
    ("refund email failed", lambda order: events.email_failed_event(
        order=order, kind=Kind.REFUND_EMAIL_FAILED, key="k", attempt=1, tries=5, error="bounced"),
     "Refund confirmation failed: bounced"),
    ("store credit applied", lambda order: events.credit_applied_event(
        order=order, actor=None, amount=Decimal("20.00"), balance=Decimal("5.00")),
     "Store credit of $20.00 applied; $5.00 of credit left."),
    ("stock allocated, some still waiting", lambda order: _allocated(order, {"LAMP-1": 15}, receipt=4, waiting=10),
     "Stock received (receipt 4) and allocated: 15 x LAMP-1. 10 still on backorder."),
    ("stock allocated, all of it", lambda order: _allocated(order, {"LAMP-1": 15, "BULB-2": 1}, receipt=5),
     "Stock received (receipt 5) and allocated: 1 x BULB-2, 15 x LAMP-1. Everything is now allocated."),
    ("items available email queued", lambda order: _allocated(order, {"LAMP-1": 1}, receipt=6, emailed=True,
                                                               kind=Kind.AVAILABLE_EMAIL_QUEUED),
     "Items available email queued for pat@example.com."),
    ("items available email sent", lambda order: events.email_sent_event(
        order=order, kind=Kind.AVAILABLE_EMAIL_SENT, to="a@x.example", key="k", attempt=1),
     "Items available email sent to a@x.example."),
    ("items available email failed", lambda order: events.email_failed_event(
        order=order, kind=Kind.AVAILABLE_EMAIL_FAILED, key="k", attempt=2, tries=5, error="bounced"),
     "Items available email failed after 2 tries: bounced"),
    ("held", lambda order: events.hold_event(order=order, actor=None, reason="Address to confirm"),
     "Put on hold: Address to confirm."),
    ("released", lambda order: events.hold_released_event(order=order, actor=None, reason="Address to confirm",
                                                          note="Customer called back"),
     "Hold released (Address to confirm): Customer called back."),
    ("remaining cancelled", lambda order: events.remaining_cancelled_event(
        order=_as(order, total=Decimal("45.00")), actor=None, reason="Discontinued", cancelled={"MUG": 3},
        restocked={"MUG": 3}, total_before=Decimal("63.00")),
     "Remaining items cancelled: Discontinued. Cancelled 3 x MUG; restocked 3 x MUG; total $63.00 → $45.00."),
]


def _allocated(order: Order, lines: dict, *, receipt: int, waiting: int = 0, emailed: bool = False,
               kind: str = Kind.STOCK_ALLOCATED) -> OrderEvent:
    """Receive stock's events for one order (written together, in bulk): the one of ``kind``."""
    order.customer_email = "pat@example.com"
    events.stock_allocated_events(served={order: lines}, waiting={order.pk: waiting} if waiting else {}, actor=None,
                                  receipt=receipt, emailed=[order] if emailed else [])
    return OrderEvent.objects.filter(order=order, kind=kind).latest("pk")


def _as(order: Order, **fields) -> Order:
    for name, value in fields.items():
        setattr(order, name, value)
    return order


@pytest.fixture
def order(checkout_setup, settings):
    settings.CURRENCY = "USD"
    return OrderFactory(shipping=checkout_setup[0])


@pytest.mark.parametrize(("record", "expected"), [case[1:] for case in SENTENCES], ids=[case[0] for case in SENTENCES])
def test_each_kind_draws_its_sentence_from_its_data_and_stores_none(order, record, expected):
    with timezone.override("UTC"):
        event = record(order)
        stored = OrderEvent.objects.get(pk=event.pk)  # as read back: the data went through JSON

        assert events.describe(stored) == expected
    assert stored.message == ""
    assert json.loads(json.dumps(stored.data)) == stored.data


def test_every_kind_has_a_sentence_and_a_case_above(order):
    assert {record(order).kind for _, record, _ in SENTENCES} == set(events.SENTENCES) == set(Kind.values)


def test_money_is_stored_as_text(order):
    event = events.order_placed_event(order=order, actor=None, total=Decimal("64.80"), lines=2)
    assert OrderEvent.objects.get(pk=event.pk).data == {"total": "64.80", "lines": 2}


def test_the_retry_time_is_drawn_in_the_current_time_zone(order):
    event = events.email_failed_event(order=order, kind=Kind.CONFIRMATION_FAILED, key="k", attempt=1, tries=3,
                                      error="busy", retry_at=RETRY_AT)
    with timezone.override("Asia/Kolkata"):
        assert events.describe(event) == "Confirmation email: try 1 of 3 failed, trying again at 19:33:09: busy"


@pytest.mark.parametrize(("kind", "data", "message"), [
    ("payment_recorded", {"payment": 1, "amount": "5.00", "status": "paid"},
     "Payment of $5.00 recorded (Cash); paid, balance due $0.00."),  # before method and balance were data
    ("confirmation_queued", {}, "Confirmation email queued for old@x.example."),
    ("shipment_recorded", {"shipment": 1, "lines": {"WID": 1}}, "Shipped 1 x WID by DHL (1Z); shipped."),
    ("confirmation_failed", {"key": "k", "attempt": 1, "error": "busy", "retry_at": RETRY_AT.isoformat()},
     "Confirmation email: try 1 of 4 failed, trying again at 09:03:09: busy"),  # tries was a setting
    ("status_changed", {"before": "placed", "after": "on_the_moon"}, "Status changed from placed to on the moon."),
    ("placed", {}, "Placed"),  # the benchmark's rows
])
def test_an_older_row_without_the_data_shows_its_stored_sentence(order, kind, data, message):
    event = OrderEvent.objects.create(order=order, kind=kind, data=data, message=message)
    assert events.describe(event) == message


def test_an_older_row_whose_data_suffices_reads_as_before(order):
    event = OrderEvent.objects.create(order=order, kind="status_changed", data={"before": "placed",
                                      "after": "processing"}, message="Status changed from placed to processing.")
    assert events.describe(event) == event.message


def test_a_row_with_neither_data_nor_a_sentence_shows_its_kind(order):
    assert events.describe(OrderEvent(order=order, kind="payment_recorded")) == "Payment recorded"
    assert events.sentence("gone_kind", {}) == "gone_kind"
