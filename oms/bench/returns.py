"""Goods coming back, as a Manager gets it: an order page with 3 returns, 3 credit memos and 3 refunds, the
Return items form of a 50-line order, receiving a 50-line return, a refund, and the credit memo PDF of 50 lines.

The writes (authorizing, receiving, refunding) are timed through their services in a transaction that is rolled
back, so each repeat finds the same order as the first did."""

from decimal import Decimal
from functools import partial

from django.test import Client
from django.urls import reverse

from orders.models import Order, Payment
from orders.payments.services import payment_record, refund_record
from orders.returns.services import ReturnRequest, return_create, return_receive

from .fulfilment import fulfilled_order
from .measure import Row, rolled_back, time_ms, within
from .pages import PageBench, page_row

SECTION = "9. Returns, credit memos, refunds"
_page = partial(page_row, SECTION)  # a page of this section: _page(bench, case, url, limit)


def _return_everything(order: Order, user, *, lines=None, quantity: int = 1):
    quantities = {line.pk: quantity for line in (lines or order.lines.order_by("pk"))}
    return return_create(customer=order.customer, request=ReturnRequest(quantities=quantities), actor=user)


def _received(ret, user, received: dict[int, int] | None = None):
    received = received or {line.pk: line.quantity for line in ret.lines.all()}
    return return_receive(ret=ret, received=received, actor=user)


def returned_order(user) -> Order:
    """A 50-line order, shipped and paid in full, with 3 returns received (3 credit memos) and 3 refunds."""
    order = fulfilled_order(user)
    order.refresh_from_db()
    payment_record(order=order, amount=order.total - order.amount_paid, method=Payment.Method.CHECK,
                   received_on=order.created_at.date(), actor=user)
    lines = list(order.lines.order_by("pk"))
    for part in (lines[:3], lines[3:6], lines[6:9]):
        _received(_return_everything(order, user, lines=part), user)
    order.refresh_from_db()
    for _ in range(3):
        refund_record(order=order, amount=Decimal("1.00"), method=Payment.Method.CHECK, actor=user)
    return order


def rows(client: Client, bench: PageBench, user) -> list[Row]:
    order = returned_order(user)
    memo = order.credit_memos.order_by("number").first()
    fresh = fulfilled_order(user)  # 50 lines, everything shipped, nothing returned
    fresh.refresh_from_db()
    results = [
        _page(bench, "order page with 3 returns, 3 credit memos and 3 refunds, 50 lines", order.get_absolute_url(),
             25),
        _page(bench, "Return items form of a 50-line order", reverse("orders:return_new", args=[fresh.number]), 25),
    ]
    authorized = _return_everything(fresh, user)
    arrived = {line.pk: line.quantity for line in authorized.lines.all()}  # what the Receive return form posts
    results.append(_write(bench.repeats, "receiving a 50-line return (service)",
                          lambda: _received(authorized, user, arrived)))
    results.append(_write(bench.repeats, "a refund (service)", lambda: refund_record(
        order=order, amount=Decimal("1.00"), method=Payment.Method.CHECK, actor=user)))
    _received(authorized, user)
    memo50 = fresh.credit_memos.get()
    results.append(_page(bench, "credit memo PDF, 50 lines", reverse("orders:credit_memo_pdf", args=[memo50.number]),
                        300))
    results.append(_page(bench, "credit memo page, 3 lines", reverse("orders:credit_memo", args=[memo.number]), 25))
    return results


def _write(repeats: int, case: str, call, limit: float = 25) -> Row:
    timing = time_ms(lambda: rolled_back(call), repeats=repeats)
    return Row(SECTION, case, timing, target=f"<= {limit} ms", met=within(timing, limit))
