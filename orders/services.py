"""What every capability does to a placed order: lock it, and add a note to its timeline."""

import uuid

from django.db import IntegrityError, transaction

from orders import events
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderEvent


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _recorded_with(model, order: Order, token: uuid.UUID | None):
    """The payment or shipment that a form with ``token`` already recorded on ``order`` (``recorded_now`` False),
    or None. Read under the order's lock, a resubmission finds what the first submission wrote."""
    first = model.objects.filter(order=order, submission_token=token).first() if token else None
    if first is not None:
        first.recorded_now = False
    return first


def _recorded_or_raise(model, order: Order, token: uuid.UUID | None, error: IntegrityError):
    """After an IntegrityError: the token's unique constraint stopped a second record (the same form posted
    against another order as well; a forged request), or another constraint did (raised again)."""
    if first := _recorded_with(model, order, token):
        return first
    if token and model.objects.filter(submission_token=token).exists():
        raise OrderRefused(["This form was already submitted for another order: open the form again."]) from None
    raise error


# Cancelling is not a plain status change: order_cancel gives the stock back and records why.
def order_note_add(*, order: Order, text: str, visible_to_customer: bool, actor=None, token: str = "") -> OrderEvent:
    """Add a note to the order's timeline; notes visible to the customer go into later emails.

    Idempotent on ``token`` (the Add note form's): a token that already added a note returns that note, with
    ``recorded_now`` False."""
    with transaction.atomic():
        if token:  # the order's lock makes a resubmission wait for the first, and find its note
            Order.objects.select_for_update().get(pk=order.pk)
            if first := order.events.filter(kind=OrderEvent.Kind.NOTE_ADDED, data__token=token).first():
                first.recorded_now = False
                return first
        note = events.note_added_event(order=order, actor=actor, text=text, visible_to_customer=visible_to_customer,
                                       token=token)
        note.recorded_now = True
        return note
