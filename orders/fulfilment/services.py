"""After placing: recording payments and shipments, and asking for a shipping confirmation again.

Each write locks the order's row first, so two staff recording against one order take turns: what the
second one checks (the balance, the quantities left to ship) includes what the first one wrote. The forms carry
a one-time token: the same form submitted twice records once (the second gets the first's record).
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from orders import events, lifecycle
from orders.fulfilment.models import Carrier, Shipment, ShipmentLine
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderEvent, OrderLine
from orders.notifications.tasks import order_email_enqueue
from orders.services import _locked, _recorded_or_raise, _recorded_with


@dataclass(frozen=True)
class ShipmentRequest:
    carrier: Carrier
    tracking_numbers: list[str]
    shipped_on: date
    quantities: dict[int, int] | None = None  # order line id -> quantity; None ships everything not yet shipped
    send_email: bool = False


def shipment_record(*, order: Order, request: ShipmentRequest, actor=None, token: uuid.UUID | None = None) -> Shipment:
    """Record a shipment of some or all of the order's unshipped quantities; the order becomes partially
    shipped or shipped. Queues the shipping confirmation when asked and the order has an email address.

    Idempotent on ``token`` (the Mark shipped form's), as payment_record is.

    Raises OrderRefused (every problem at once) for an order that cannot ship, quantities beyond what is
    left to ship or lines of another order, or nothing to ship.
    """
    try:
        with transaction.atomic():
            current = _locked(order)
            return _recorded_with(Shipment, current, token) or _shipment_write(current, request, actor, token)
    except IntegrityError as error:
        return _recorded_or_raise(Shipment, order, token, error)


def _shipment_write(current: Order, request: ShipmentRequest, actor, token) -> Shipment:
    lines = list(current.lines.order_by("pk"))
    shipping = _quantities(current, lines, request.quantities)
    send = request.send_email and bool(current.customer_email)
    shipment = Shipment.objects.create(
        order=current, carrier=request.carrier, tracking_numbers=request.tracking_numbers,
        shipped_on=request.shipped_on, created_by=actor, email_to=current.customer_email if send else "",
        email_state=Order.EmailState.PENDING if send else Order.EmailState.NOT_REQUESTED, submission_token=token)
    shipment.recorded_now = True
    ShipmentLine.objects.bulk_create(ShipmentLine(shipment=shipment, order_line=line, quantity=quantity)
                                     for line, quantity in shipping)
    for line, quantity in shipping:
        OrderLine.objects.filter(pk=line.pk).update(quantity_shipped=F("quantity_shipped") + quantity)
        line.quantity_shipped += quantity
    _after_shipping(current, shipment, lines, shipping, actor)
    if send:
        _queue_shipping_email(current, shipment, actor)
    return shipment


def _quantities(order: Order, lines: list[OrderLine], wanted: dict[int, int] | None) -> list[tuple[OrderLine, int]]:
    if not lifecycle.can_ship(order):
        raise OrderRefused([lifecycle.why_not_ship(order)])
    if wanted is None:
        wanted = {line.pk: line.quantity_shippable for line in lines}
    by_id = {line.pk: line for line in lines}
    problems = [f"Line {line_id} is not a line of order #{order.number}." for line_id in wanted
                if line_id not in by_id]
    for line_id, quantity in wanted.items():
        line = by_id.get(line_id)
        if line is not None and not 0 <= quantity <= line.quantity_shippable:
            waiting = f", {line.quantity_backordered:,} on backorder" if line.quantity_backordered else ""
            problems.append(f"{line.sku}: ship between 0 and {line.quantity_shippable:,} "
                            f"({line.quantity:,} ordered, {line.quantity_shipped:,} already shipped{waiting}).")
    shipping = [(by_id[line_id], quantity) for line_id, quantity in wanted.items() if line_id in by_id and quantity]
    if not problems and not shipping:
        problems.append("Nothing to ship: enter a quantity for at least one line.")
    if problems:
        raise OrderRefused(problems)
    return sorted(shipping, key=lambda pair: pair[0].pk)


def _after_shipping(order: Order, shipment: Shipment, lines, shipping, actor) -> None:
    before = order.status
    order.status = lifecycle.after_shipment(everything_shipped=all(line.quantity_unshipped == 0 for line in lines))
    order.save(update_fields=["status"])
    events.shipment_recorded_event(order=order, actor=actor, shipment=shipment,
                                   lines={line.sku: quantity for line, quantity in shipping})
    if before != order.status:
        events.status_changed_event(order=order, actor=actor, before=before, after=order.status)


def _queue_shipping_email(order: Order, shipment: Shipment, actor) -> None:
    """Queue the shipping confirmation in the shipment's transaction: it exists, and is sent, when that commits."""
    events.shipping_email_queued_event(order=order, actor=actor, shipment=shipment)
    order_email_enqueue(order=order, kind="shipping", about=shipment.pk)


def shipment_email_request(*, shipment: Shipment, actor=None) -> Shipment:
    """Queue the shipping confirmation again, to the order's saved address (Resend shipping confirmation).

    Raises OrderRefused when the order has no email address or the resend limit for the hour is reached.
    """
    with transaction.atomic():
        order = _locked(shipment.order)
        current = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if not order.customer_email:
            raise OrderRefused(["The order has no email address: save one for this order first."])
        hour_ago = timezone.now() - timedelta(hours=1)
        recent = order.events.filter(kind=OrderEvent.Kind.SHIPPING_EMAIL_RESENT, created_at__gte=hour_ago,
                                     data__shipment=current.pk).count()
        if recent >= settings.RESEND_LIMIT_PER_HOUR:
            raise OrderRefused([f"The shipping confirmation was already resent {recent} times in the last hour; "
                                "try again later."])
        current.email_to, current.email_state, current.email_error = order.customer_email, Order.EmailState.PENDING, ""
        current.save(update_fields=["email_to", "email_state", "email_error"])
        events.shipping_email_resent_event(order=order, actor=actor, shipment=current, to=order.customer_email)
        order_email_enqueue(order=order, kind="shipping", about=current.pk)
    return current
