"""Goods coming back: authorizing a return (from one or several of a customer's orders), receiving it (stock back
for resaleable goods, a credit memo per order), and goodwill credit memos without a return.

Every write locks the orders it touches in primary-key order first, then their lines, then products (as placing
locks them): two returns, a shipment and a refund on one order take turns, and what the second checks includes
what the first wrote. Forms carry a one-time token: the same form submitted twice writes once.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from catalog.models import StockMovement
from catalog.services import Move, stock_give_back
from customers.models import Customer
from oms.core.money import format_money
from oms.core.validators import CARD_MESSAGE, contains_card_number
from orders import events, lifecycle
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.notifications.tasks import order_email_enqueue
from orders.payments.terms import balance_due, payment_status_of
from orders.pricing.totals import ZERO, credit_totals, to_cents
from orders.reporting.sales import sales_credit
from orders.returns.models import CreditMemo, CreditMemoLine, Return, ReturnLine, ReturnReason

REASON_LENGTH = Return._meta.get_field("reason_text").max_length


@dataclass(frozen=True)
class ReturnRequest:
    quantities: dict[int, int]  # order line id -> quantity to return
    condition: str = Return.Condition.RESALEABLE
    reason: ReturnReason | None = None
    reason_text: str = ""
    send_email: bool = False


def _locked_orders(numbers) -> list[Order]:
    return list(Order.objects.select_for_update().filter(pk__in=set(numbers)).order_by("pk"))


def _first_with(model, field_name: str, token):
    first = model.objects.filter(**{field_name: token}).first() if token else None
    if first is not None:
        first.recorded_now = False
    return first


def return_create(*, customer: Customer, request: ReturnRequest, actor=None, token: uuid.UUID | None = None) -> Return:
    """Authorize a return of shipped goods from ``customer``'s orders: each line at most what shipped less what is
    already on a return (a database constraint stands behind it). Queues the return instructions email when asked
    and one of the orders has an email address (the first that has one). Idempotent on ``token`` (the Return items
    form's).

    Raises OrderRefused, every problem at once: lines of another customer, quantities beyond what may come back,
    nothing to return, a reason holding a card number.
    """
    if contains_card_number(request.reason_text):
        raise OrderRefused([CARD_MESSAGE])
    if len(request.reason_text.strip()) > REASON_LENGTH:
        raise OrderRefused([f"Say why in at most {REASON_LENGTH} characters."])
    wanted = {line_id: quantity for line_id, quantity in request.quantities.items() if quantity}
    try:
        with transaction.atomic():
            numbers = OrderLine.objects.filter(pk__in=wanted, order__customer=customer).values_list("order_id",
                                                                                                   flat=True)
            orders = _locked_orders(numbers)
            if first := _first_with(Return, "submission_token", token):
                return first
            return _return_write(customer, orders, wanted, request, actor, token)
    except IntegrityError:
        if first := _first_with(Return, "submission_token", token):
            return first
        raise


def _return_write(customer: Customer, orders: list[Order], wanted: dict[int, int], request: ReturnRequest, actor,
                  token) -> Return:
    lines = {line.pk: line for line in OrderLine.objects.select_for_update()
             .filter(pk__in=wanted, order__in=orders).order_by("pk")}
    problems = [f"Line {line_id} is not a shipped line of this customer's orders." for line_id in wanted
                if line_id not in lines]
    for order in orders:
        if order.status not in lifecycle.RETURNABLE:
            problems.append(lifecycle.why_not_return(order))
    for line_id, quantity in wanted.items():
        line = lines.get(line_id)
        left = line.quantity_shipped - line.quantity_returned if line else 0
        if line is not None and not 0 <= quantity <= left:
            problems.append(f"{line.sku or line.name}: return between 0 and {left:,} ({line.quantity_shipped:,} "
                            f"shipped, {line.quantity_returned:,} already on a return).")
    if not problems and not wanted:
        problems.append("Nothing to return: enter a quantity for at least one line.")
    if problems:
        raise OrderRefused(problems)
    # to the address of the first order that has one (a return over several orders: the oldest of them)
    addressed = next((order for order in orders if order.customer_email), None) if request.send_email else None
    email_to = addressed.customer_email if addressed else ""
    ret = Return.objects.create(
        customer=customer, reason=request.reason, reason_text=request.reason_text.strip(),
        condition=request.condition, created_by=actor, submission_token=token, email_to=email_to,
        email_state=Order.EmailState.PENDING if email_to else Order.EmailState.NOT_REQUESTED)
    ret.recorded_now = True
    ReturnLine.objects.bulk_create(ReturnLine(ret=ret, order_id=lines[line_id].order_id, order_line=lines[line_id],
                                              quantity=quantity) for line_id, quantity in sorted(wanted.items()))
    for line_id, quantity in sorted(wanted.items()):
        OrderLine.objects.filter(pk=line_id).update(quantity_returned=F("quantity_returned") + quantity)
    for order in orders:
        events.return_authorized_event(order=order, actor=actor, ret=ret, lines={
            lines[line_id].sku or lines[line_id].name: quantity for line_id, quantity in wanted.items()
            if lines[line_id].order_id == order.pk})
    if addressed:
        events.return_email_queued_event(order=addressed, actor=actor, ret=ret, to=email_to)
        order_email_enqueue(order=addressed, kind="return", about=ret.number)
    return ret


@dataclass
class ReturnReceipt:
    ret: Return
    credit_memos: list[CreditMemo] = field(default_factory=list)
    restocked: dict[str, int] = field(default_factory=dict)
    recorded_now: bool = True


def return_receive(*, ret: Return, received: dict[int, int], refund_shipping: bool = False, actor=None,
                   token: uuid.UUID | None = None) -> ReturnReceipt:
    """Receive return ``ret``: ``received`` is return line id -> quantity that arrived (at most authorized; what
    did not come may be returned again later). Resaleable goods go back to stock; each order the goods came from
    gets a credit memo for them (and its shipping charge when ``refund_shipping`` and not credited before).
    Idempotent on ``token`` (the Receive return form's).

    Raises OrderRefused for a return already received, quantities beyond those authorized, nothing received.
    """
    with transaction.atomic():
        orders = {order.pk: order for order in _locked_orders(ret.lines.values_list("order_id", flat=True))}
        current = Return.objects.select_for_update().get(pk=ret.pk)
        if token and current.receipt_token == token:
            return ReturnReceipt(current, list(current.credit_memos.all()), recorded_now=False)
        if not lifecycle.can_receive(current):
            raise OrderRefused([lifecycle.why_not_receive(current)])
        lines = list(current.lines.select_related("order_line__product").order_by("pk"))
        by_id = {line.pk: line for line in lines}
        problems = [f"Line {line_id} is not on return {current.label}." for line_id in received if line_id not in by_id]
        for line_id, quantity in received.items():
            line = by_id.get(line_id)
            if line is not None and not 0 <= quantity <= line.quantity:
                problems.append(f"{line.order_line.sku or line.order_line.name}: receive between 0 and "
                                f"{line.quantity:,} (the quantity authorized).")
        if not problems and not any(received.values()):
            problems.append("Nothing received: enter the quantity that arrived for at least one line.")
        if problems:
            raise OrderRefused(problems)
        return _receipt_write(current, orders, lines, received, refund_shipping, actor, token)


def _receipt_write(ret: Return, orders: dict[int, Order], lines: list[ReturnLine], received: dict[int, int],
                   refund_shipping: bool, actor, token) -> ReturnReceipt:
    by_order: dict[int, list[tuple[ReturnLine, int]]] = defaultdict(list)
    for line in lines:
        quantity = received.get(line.pk, 0)
        line.quantity_received = quantity
        if quantity < line.quantity:  # what did not come back may be returned again
            OrderLine.objects.filter(pk=line.order_line_id).update(
                quantity_returned=F("quantity_returned") - (line.quantity - quantity))
        by_order[line.order_id].append((line, quantity))
    # Most returns arrive whole: one UPDATE for those lines, bulk_update only for the ones that came short.
    ret.lines.update(quantity_received=F("quantity"))
    ReturnLine.objects.bulk_update([line for line in lines if line.quantity_received != line.quantity],
                                   ["quantity_received"])
    restock = [Move(line.order_line.product_id, line.quantity_received, line.order_id) for line in lines
               if line.quantity_received and line.order_line.product_id] \
        if ret.condition == Return.Condition.RESALEABLE else []
    restocked = stock_give_back(restock, kind=StockMovement.Kind.RETURN, actor=actor,
                                reason=f"Return R{ret.number}") if restock else {}
    ret.status, ret.received_by, ret.received_at, ret.receipt_token = (
        Return.Status.RECEIVED, actor, timezone.now(), token)
    ret.save(update_fields=["status", "received_by", "received_at", "receipt_token"])
    receipt = ReturnReceipt(ret, restocked=restocked)
    for order_id in sorted(by_order):
        order = orders[order_id]
        came = [(line.order_line, quantity) for line, quantity in by_order[order_id] if quantity]
        # this order's own units back in stock (a product on several orders of the return is restocked as one)
        back = {line.product.sku: quantity for line, quantity in came if line.product and line.product.sku in restocked}
        events.return_received_event(order=order, actor=actor, ret=ret,
                                     lines={line.sku or line.name: quantity for line, quantity in came}, restocked=back)
        if came:
            shipping = refund_shipping and not _shipping_credited(order)
            if memo := _credit_memo_write(order, lines=came, refund_shipping=shipping, ret=ret, actor=actor):
                receipt.credit_memos.append(memo)
    return receipt


def _shipping_credited(order: Order) -> bool:
    return order.credit_memos.filter(shipping__gt=0).exists()


def _credit_memo_write(order: Order, *, lines: list[tuple[OrderLine, int]] = (), refund_shipping: bool = False,
                       amount: Decimal | None = None, reason: str = "", ret: Return | None = None, actor=None,
                       token=None) -> CreditMemo | None:
    """Issue a credit memo on ``order`` (locked by the caller): for ``lines`` through the pricing function, or for
    ``amount`` (a goodwill credit). Never more than the order's total less what is credited already."""
    room = order.total - order.amount_credited
    if amount is None:
        totals = credit_totals(order=order, lines=lines, refund_shipping=refund_shipping)
        subtotal, discount, shipping, tax = totals.subtotal, totals.discount, totals.shipping, totals.tax
        total = min(totals.total, room)  # a cent of rounding never credits more than the order came to
    else:
        subtotal = discount = shipping = tax = ZERO
        total = amount
    if total <= 0:
        return None
    memo = CreditMemo.objects.create(order=order, ret=ret, reason=reason, subtotal=subtotal, discount=discount,
                                     shipping=shipping, tax=tax, total=total, created_by=actor,
                                     submission_token=token)
    memo.recorded_now = True
    CreditMemoLine.objects.bulk_create(
        CreditMemoLine(credit_memo=memo, order_line=line, sku=line.sku, name=line.name, unit_price=line.unit_price,
                       quantity=quantity, line_total=line.unit_price * quantity) for line, quantity in lines)
    order.amount_credited += total
    order.payment_status = payment_status_of(order)
    order.save(update_fields=["amount_credited", "payment_status"])
    sales_credit(order=order, amount=total)
    events.credit_memo_event(order=order, actor=actor, memo=memo, balance=balance_due(order))
    return memo


def credit_memo_issue(*, order: Order, amount: Decimal, reason: str, actor=None,
                      token: uuid.UUID | None = None) -> CreditMemo:
    """A goodwill credit or price adjustment without a return: a credit memo of ``amount`` with ``reason`` and no
    lines. Idempotent on ``token``.

    Raises OrderRefused for an amount that is not positive (or finer than cents) or is more than the order's total
    less what is credited, a missing reason, a reason holding a card number, or an order with nothing shipped."""
    reason = reason.strip()
    problems = []
    if amount <= 0 or amount != to_cents(amount):
        problems.append("Enter an amount greater than zero, in cents at most (such as 12.50).")
    if not reason:
        problems.append("Say why the customer is credited.")
    if contains_card_number(reason):
        problems.append(CARD_MESSAGE)
    if problems:
        raise OrderRefused(problems)
    try:
        with transaction.atomic():
            current = Order.objects.select_for_update().get(pk=order.pk)
            if first := _first_with(CreditMemo, "submission_token", token):
                return first
            if current.status not in lifecycle.CREDITABLE:
                raise OrderRefused([lifecycle.why_not_credit(current)])
            room = current.total - current.amount_credited
            if amount > room:
                raise OrderRefused([f"At most {format_money(room)} can be credited on order #{current.number} "
                                    f"(its total {format_money(current.total)}, "
                                    f"{format_money(current.amount_credited)} credited already)."])
            memo = _credit_memo_write(current, amount=amount, reason=reason, actor=actor, token=token)
    except IntegrityError:
        if first := _first_with(CreditMemo, "submission_token", token):
            return first
        raise
    order.amount_credited, order.payment_status = current.amount_credited, current.payment_status
    return memo
