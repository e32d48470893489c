"""An order's timeline: one function per kind of event, each storing what happened as data (JSON-safe: money as
strings), and ``describe``, which draws the sentence staff read from the kind and that data when it is shown.

Call the functions inside the transaction that made the change. Rows written before events were typed hold their
sentence in ``OrderEvent.message`` and may lack data a sentence now needs: ``describe`` falls back to that stored
sentence. The column stays, as that legacy sentence (no migration rewrites a big table); new rows leave it empty.
"""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import partial

from django.utils import timezone

from oms.core.money import format_money
from oms.core.via import current_via
from oms.webhooks.models import EventType
from oms.webhooks.services import webhook_emit
from orders.models import Order, OrderEvent, Payment, Shipment

Kind = OrderEvent.Kind


def _create(order: Order, kind: str, actor, data: dict) -> OrderEvent:
    if via := current_via():  # not through the pages: e.g. "API token Warehouse sync"
        data = data | {"via": via}
    event = OrderEvent.objects.create(order=order, kind=kind, actor=actor, data=data)
    if kind in WEBHOOK_EVENT_TYPES:
        _webhook_emit(event)
    return event


# The timeline events that receivers hear of (oms.webhooks), and as which event type.
WEBHOOK_EVENT_TYPES = {
    Kind.PLACED: EventType.ORDER_PLACED, Kind.EDITED: EventType.ORDER_EDITED, Kind.CANCELLED: EventType.ORDER_CANCELLED,
    Kind.HELD: EventType.ORDER_HELD, Kind.RELEASED: EventType.ORDER_RELEASED,
    Kind.SHIPMENT_RECORDED: EventType.ORDER_SHIPPED, Kind.PAYMENT_RECORDED: EventType.ORDER_PAID,
    Kind.RETURN_RECEIVED: EventType.ORDER_RETURNED, Kind.REFUND: EventType.ORDER_REFUNDED,
}


def _webhook_emit(event: OrderEvent) -> None:
    """Queue the event for the endpoints that want it, in the change's transaction; its id is the timeline row's."""
    order = event.order
    webhook_emit(event_type=WEBHOOK_EVENT_TYPES[event.kind], event_id=f"evt_order_{event.pk}",
                 timestamp=event.created_at, data={"order": order.number, "status": order.status,
                                                   "total": str(order.total), "customer": order.customer_id,
                                                   "details": event.data})


def order_placed_event(*, order: Order, actor, total: Decimal, lines: int, quote: int | None = None) -> OrderEvent:
    data = {"total": str(total), "lines": lines} | ({"quote": quote} if quote else {})
    return _create(order, Kind.PLACED, actor, data)


def confirmation_queued_event(*, order: Order, actor, to: str) -> OrderEvent:
    return _create(order, Kind.CONFIRMATION_QUEUED, actor, {"to": to})


def confirmation_resent_event(*, order: Order, actor, to: str) -> OrderEvent:
    return _create(order, Kind.CONFIRMATION_RESENT, actor, {"to": to})


def email_changed_event(*, order: Order, actor, before: str, after: str) -> OrderEvent:
    return _create(order, Kind.EMAIL_CHANGED, actor, {"before": before, "after": after})


def note_added_event(*, order: Order, actor, text: str, visible_to_customer: bool, token: str = "") -> OrderEvent:
    """``token``: the Add note form's one-time token, kept so that a resubmission finds this note."""
    return _create(order, Kind.NOTE_ADDED, actor, {"text": text, "visible_to_customer": visible_to_customer}
                   | ({"token": token} if token else {}))


def status_changed_event(*, order: Order, actor, before: str, after: str) -> OrderEvent:
    return _create(order, Kind.STATUS_CHANGED, actor, {"before": before, "after": after})


def order_cancelled_event(*, order: Order, actor, reason: str, restocked: dict[str, int]) -> OrderEvent:
    """``restocked``: SKU -> quantity given back to stock."""
    return _create(order, Kind.CANCELLED, actor, {"reason": reason, "restocked": restocked})


def order_edited_event(*, order: Order, actor, token: str, changes: dict) -> OrderEvent:
    """``changes``: the edit's diff (added, removed, changed, restocked, taken, and before/after pairs for the
    total, addresses, shipping, discount and payment status); ``token`` identifies the edit (resubmissions)."""
    return _create(order, Kind.EDITED, actor, {"token": token, **changes})


def payment_recorded_event(*, order: Order, actor, payment: Payment, balance: Decimal) -> OrderEvent:
    """``order`` as the payment left it (its payment status); ``balance``: what is still due."""
    return _create(order, Kind.PAYMENT_RECORDED, actor, {
        "payment": payment.pk, "amount": str(payment.amount), "method": payment.method,
        "reference": payment.reference, "status": order.payment_status, "balance": str(balance)})


def shipment_recorded_event(*, order: Order, actor, shipment: Shipment, lines: dict[str, int]) -> OrderEvent:
    """``lines``: SKU -> quantity shipped; ``order`` as the shipment left it (its status)."""
    return _create(order, Kind.SHIPMENT_RECORDED, actor, {
        "shipment": shipment.pk, "lines": lines, "carrier": shipment.carrier.name,
        "tracking": list(shipment.tracking_numbers), "status": order.status})


def shipping_email_queued_event(*, order: Order, actor, shipment: Shipment) -> OrderEvent:
    return _create(order, Kind.SHIPPING_EMAIL_QUEUED, actor, {"shipment": shipment.pk, "to": shipment.email_to})


def shipping_email_resent_event(*, order: Order, actor, shipment: Shipment, to: str) -> OrderEvent:
    return _create(order, Kind.SHIPPING_EMAIL_RESENT, actor, {"shipment": shipment.pk, "to": to})


def return_authorized_event(*, order: Order, actor, ret, lines: dict[str, int]) -> OrderEvent:
    """``lines``: SKU -> quantity of this order's lines on return ``ret``."""
    return _create(order, Kind.RETURN_AUTHORIZED, actor, {
        "return": ret.number, "lines": lines, "reason": ret.reason_shown, "condition": ret.condition})


def return_received_event(*, order: Order, actor, ret, lines: dict[str, int], restocked: dict[str, int]) -> OrderEvent:
    return _create(order, Kind.RETURN_RECEIVED, actor, {"return": ret.number, "lines": lines, "restocked": restocked})


def return_email_queued_event(*, order: Order, actor, ret, to: str) -> OrderEvent:
    return _create(order, Kind.RETURN_EMAIL_QUEUED, actor, {"return": ret.number, "to": to})


def credit_memo_event(*, order: Order, actor, memo, balance: Decimal) -> OrderEvent:
    return _create(order, Kind.CREDIT_MEMO, actor, {
        "credit_memo": memo.number, "total": str(memo.total), "reason": memo.reason,
        "return": memo.ret_id, "balance": str(balance)})


def refund_event(*, order: Order, actor, refund, balance: Decimal) -> OrderEvent:
    return _create(order, Kind.REFUND, actor, {
        "refund": refund.pk, "amount": str(refund.amount), "method": refund.method, "reference": refund.reference,
        "balance": str(balance)})


def credit_applied_event(*, order: Order, actor, amount: Decimal, balance: Decimal) -> OrderEvent:
    """Store credit paid ``amount`` of ``order``; ``balance``: the customer's store credit left."""
    return _create(order, Kind.CREDIT_APPLIED, actor, {"amount": str(amount), "credit_left": str(balance)})


def remaining_cancelled_event(*, order: Order, actor, reason: str, cancelled: dict[str, int],
                              restocked: dict[str, int], total_before: Decimal) -> OrderEvent:
    return _create(order, Kind.REMAINING_CANCELLED, actor, {
        "reason": reason, "cancelled": cancelled, "restocked": restocked, "total_before": str(total_before),
        "total": str(order.total)})


def hold_event(*, order: Order, actor, reason: str) -> OrderEvent:
    return _create(order, Kind.HELD, actor, {"reason": reason})


def hold_released_event(*, order: Order, actor, reason: str, note: str) -> OrderEvent:
    """``reason``: the hold's; ``note``: why it was released."""
    return _create(order, Kind.RELEASED, actor, {"reason": reason, "note": note})


def stock_allocated_events(*, served: dict[Order, dict[str, int]], waiting: dict[int, int], actor, receipt: int,
                           emailed: list[Order]) -> None:
    """Receive stock (receipt ``receipt``) allocated to each order of ``served`` its SKU -> units; ``waiting``:
    order number -> units still on backorder after it; ``emailed``: the orders whose "items available" email is
    queued. One INSERT for all of them: a receipt can serve hundreds of orders."""
    rows = [OrderEvent(order=order, kind=Kind.STOCK_ALLOCATED, actor=actor,
                       data={"lines": lines, "receipt": receipt, "waiting": waiting.get(order.pk, 0)})
            for order, lines in served.items()]
    rows += [OrderEvent(order=order, kind=Kind.AVAILABLE_EMAIL_QUEUED, actor=actor, data={"to": order.customer_email})
             for order in emailed]
    OrderEvent.objects.bulk_create(rows)


def email_sent_event(*, order: Order, kind: str, to: str, key: str, attempt: int,
                     about: dict | None = None) -> OrderEvent:
    """An order email went out (``kind``: its "sent" kind); ``key`` and ``attempt`` say which request and try,
    ``about`` which row it was about ({"shipment": 3}, {"return": 7})."""
    return _create(order, kind, None, {"to": to, "key": key, "attempt": attempt, **(about or {})})


def email_failed_event(*, order: Order, kind: str, key: str, attempt: int, tries: int, error: str,
                       retry_at: datetime | None = None, about: dict | None = None) -> OrderEvent:
    """Try ``attempt`` of ``tries`` of an order email failed (``kind``: its "failed" kind); with ``retry_at``
    the next try is queued for then, without it the email failed for good."""
    data = {"key": key, "attempt": attempt, "tries": tries, "error": error, **(about or {})}
    if retry_at is not None:
        data["retry_at"] = retry_at.isoformat()
    return _create(order, kind, None, data)


def _quantities(by_sku: dict) -> str:
    """``{sku: quantity}`` by SKU: PostgreSQL's jsonb keeps no key order, so this order is the same everywhere."""
    return ", ".join(f"{quantity:,} x {sku}" for sku, quantity in sorted(by_sku.items()))


def _status(value: str) -> str:
    return Order.Status(value).label.lower()


def _note(data: dict) -> str:
    return ("Note for the customer: " if data["visible_to_customer"] else "Staff note: ") + data["text"]


def _cancelled(data: dict) -> str:
    return f"Cancelled: {data['reason']}. Restocked {_quantities(data['restocked']) or 'nothing tracked'}."


def _payment(data: dict) -> str:
    method = Payment.Method(data["method"]).label + (f", {data['reference']}" if data["reference"] else "")
    status = Order.PaymentStatus(data["status"]).label.lower()
    return (f"Payment of {format_money(data['amount'])} recorded ({method}); {status}, "
            f"balance due {format_money(data['balance'])}.")


def _return_authorized(data: dict) -> str:
    reason = f" ({data['reason']})" if data["reason"] else ""
    condition = "resaleable" if data["condition"] == "resaleable" else "damaged"
    return f"Return R{data['return']} authorized: {_quantities(data['lines'])}, {condition}{reason}."


def _return_received(data: dict) -> str:
    restocked = _quantities(data["restocked"]) or "nothing"
    return f"Return R{data['return']} received: {_quantities(data['lines']) or 'nothing'}; restocked {restocked}."


def _credit_memo(data: dict) -> str:
    why = f"return R{data['return']}" if data.get("return") else data["reason"]
    return (f"Credit memo CM{data['credit_memo']} of {format_money(data['total'])} ({why}); "
            f"{_balance(data['balance'])}.")


def _balance(amount: str) -> str:
    value = Decimal(amount)
    return f"owed to the customer {format_money(-value)}" if value < 0 else f"balance due {format_money(value)}"


def _refund(data: dict) -> str:
    method = Payment.Method(data["method"]).label + (f", {data['reference']}" if data["reference"] else "")
    return f"Refund of {format_money(data['amount'])} ({method}); {_balance(data['balance'])}."


def _remaining_cancelled(data: dict) -> str:
    return (f"Remaining items cancelled: {data['reason']}. Cancelled {_quantities(data['cancelled'])}; restocked "
            f"{_quantities(data['restocked']) or 'nothing tracked'}; total {format_money(data['total_before'])} → "
            f"{format_money(data['total'])}.")


def _shipment(data: dict) -> str:
    tracking = ", ".join(data["tracking"]) or "no tracking number"
    return f"Shipped {_quantities(data['lines'])} by {data['carrier']} ({tracking}); {_status(data['status'])}."


def edit_sentence(data: dict) -> str:
    """The edit's diff as one sentence: lines, prices, discount, addresses, shipping, stock, total, payment."""
    # a custom item has no SKU: its name stands for it
    parts = [f"added {line['quantity']:,} x {line['sku'] or line['name']}" for line in data["added"]]
    parts += [f"removed {line['quantity']:,} x {line['sku'] or line['name']}" for line in data["removed"]]
    parts += [f"{line['sku']} quantity {line['before']:,} → {line['after']:,}" for line in data["changed"]
              if "before" in line]
    parts += [f"{line['sku']} price {line['price_before']} → {line['price_after']} ({line['reason']})"
              for line in data["changed"] if "price_before" in line]
    if discount := data.get("discount"):
        parts.append(f"discount {discount['before']} → {discount['after']}")
    parts += [f"{label} changed" for key, label in (("billing_address", "billing address"),
                                                     ("shipping_address", "shipping address")) if key in data]
    if shipping := data.get("shipping_method"):
        parts.append(f"shipping {shipping['before']} → {shipping['after']}")
    if data["restocked"]:
        parts.append("restocked " + _quantities(data["restocked"]))
    parts.append(f"total {data['total']['before']} → {data['total']['after']}")
    if payment := data.get("payment_status"):
        parts.append(f"now {payment['after']} (was {payment['before']})")
    return "Edited: " + "; ".join(parts) + "."


def _email_sent(label: str, data: dict) -> str:
    return f"{label} sent to {data['to']}."


def _email_failed(label: str, data: dict) -> str:
    attempt = data["attempt"]
    if "retry_at" in data:
        at = timezone.localtime(datetime.fromisoformat(data["retry_at"])).strftime("%H:%M:%S")
        return f"{label}: try {attempt} of {data['tries']} failed, trying again at {at}: {data['error'][:300]}"
    tries = f" after {attempt} tries" if attempt > 1 else ""
    return f"{label} failed{tries}: {data['error'][:400]}"


SENTENCES: dict[str, Callable[[dict], str]] = {
    Kind.PLACED: lambda data: (f"Placed: {data['lines']} line(s), total {data['total']}"
                               + (f", from quote Q{data['quote']}." if data.get("quote") else ".")),
    Kind.STATUS_CHANGED: lambda data: f"Status changed from {_status(data['before'])} to {_status(data['after'])}.",
    Kind.CONFIRMATION_QUEUED: lambda data: f"Confirmation email queued for {data['to']}.",
    Kind.CONFIRMATION_RESENT: lambda data: f"Confirmation resend requested, to {data['to']}.",
    Kind.EMAIL_CHANGED: lambda data: (f"Email address changed from {data['before'] or 'none'} "
                                      f"to {data['after'] or 'none'}."),
    Kind.NOTE_ADDED: _note,
    Kind.CANCELLED: _cancelled,
    Kind.EDITED: edit_sentence,
    Kind.PAYMENT_RECORDED: _payment,
    Kind.SHIPMENT_RECORDED: _shipment,
    Kind.SHIPPING_EMAIL_QUEUED: lambda data: f"Shipping confirmation queued for {data['to']}.",
    Kind.SHIPPING_EMAIL_RESENT: lambda data: f"Shipping confirmation resend requested, to {data['to']}.",
    Kind.CONFIRMATION_SENT: partial(_email_sent, "Confirmation email"),
    Kind.CONFIRMATION_FAILED: partial(_email_failed, "Confirmation email"),
    Kind.SHIPPING_EMAIL_SENT: partial(_email_sent, "Shipping confirmation"),
    Kind.SHIPPING_EMAIL_FAILED: partial(_email_failed, "Shipping confirmation"),
    Kind.RETURN_AUTHORIZED: _return_authorized,
    Kind.RETURN_RECEIVED: _return_received,
    Kind.RETURN_EMAIL_QUEUED: lambda data: f"Return instructions for R{data['return']} queued for {data['to']}.",
    Kind.RETURN_EMAIL_SENT: partial(_email_sent, "Return instructions"),
    Kind.RETURN_EMAIL_FAILED: partial(_email_failed, "Return instructions"),
    Kind.CREDIT_MEMO: _credit_memo,
    Kind.REFUND: _refund,
    Kind.REFUND_EMAIL_SENT: partial(_email_sent, "Refund confirmation"),
    Kind.REFUND_EMAIL_FAILED: partial(_email_failed, "Refund confirmation"),
    Kind.CREDIT_APPLIED: lambda data: (f"Store credit of {format_money(data['amount'])} applied; "
                                       f"{format_money(data['credit_left'])} of credit left."),
    Kind.REMAINING_CANCELLED: _remaining_cancelled,
    Kind.HELD: lambda data: f"Put on hold: {data['reason']}.",
    Kind.STOCK_ALLOCATED: lambda data: (
        f"Stock received (receipt {data['receipt']}) and allocated: {_quantities(data['lines'])}. "
        + (f"{data['waiting']:,} still on backorder." if data["waiting"] else "Everything is now allocated.")),
    Kind.AVAILABLE_EMAIL_QUEUED: lambda data: f"Items available email queued for {data['to']}.",
    Kind.AVAILABLE_EMAIL_SENT: partial(_email_sent, "Items available email"),
    Kind.AVAILABLE_EMAIL_FAILED: partial(_email_failed, "Items available email"),
    Kind.RELEASED: lambda data: (f"Hold released ({data['reason']})" + (f": {data['note']}." if data["note"] else ".")),
}


def sentence(kind: str, data: dict, message: str = "") -> str:
    """What the timeline says for an event of ``kind`` with ``data``; ``message``: the row's stored (legacy)
    sentence, shown when the data cannot say it (the kind's name when neither can)."""
    try:
        return SENTENCES[kind](data) + (f" (via {data['via']})" if data.get("via") else "")
    except (KeyError, TypeError, ValueError, AttributeError):
        if message:
            return message
        return Kind(kind).label if kind in Kind.values else kind


def describe(event: OrderEvent) -> str:
    """The sentence the timeline shows for ``event``, drawn from its kind and data."""
    return sentence(event.kind, event.data, event.message)
