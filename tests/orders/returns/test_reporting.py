"""What comes back in the reports: the dashboard's net revenue (sales less credit memos, kept in the credit memo's
transaction and rebuilt the same), and Export CSV's Credited and Refunded columns."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from orders.models import CreditMemo, Order
from orders.payments.services import payment_record, refund_record
from orders.reporting.dashboard import dashboard
from orders.reporting.sales import sales_rebuild
from orders.returns.services import credit_memo_issue
from tests.factories import OrderFactory, ProductFactory
from tests.helpers import return_goods, sales_summary, ship_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(checkout_setup, staff):
    lamp = ProductFactory(sku="LMP", name="Lamp", price=Decimal("10.00"))
    return ship_everything(OrderFactory(lines=[(lamp, 5)], shipping=checkout_setup[0], placed_by=staff))


def today_figures() -> tuple[Decimal, Decimal, Decimal]:
    today = dashboard()["periods"][0]
    return today.revenue, today.credited, today.net


def test_a_credit_memo_lowers_net_revenue_not_sales_in_its_own_transaction(order):
    with transaction.atomic():
        _, memos = return_goods(order, {"LMP": 2})
        revenue, credited, net = today_figures()  # before the return's transaction commits

    assert memos[0].total > 0
    assert (revenue, credited, net) == (order.total, memos[0].total, order.total - memos[0].total)
    day = dashboard()["daily"].bars[-1]
    assert (day.value, day.credited, day.net) == (order.total, memos[0].total, order.total - memos[0].total)


def test_a_credit_memo_that_fails_leaves_net_revenue_as_it_was(order, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the timeline is down")

    monkeypatch.setattr("orders.returns.services.events.credit_memo_event", broken)

    with pytest.raises(RuntimeError):
        credit_memo_issue(order=order, amount=Decimal("5.00"), reason="Scratched")

    assert today_figures() == (order.total, 0, order.total)
    assert not CreditMemo.objects.exists()


def test_a_credit_memo_counts_on_the_day_it_is_issued_and_a_rebuild_agrees(order):
    placed = timezone.localdate() - timedelta(days=3)
    Order.objects.filter(pk=order.pk).update(created_at=order.created_at - timedelta(days=3))
    sales_rebuild()  # the order's sales on the day it was placed
    memo = credit_memo_issue(order=order, amount=Decimal("7.50"), reason="Price match")

    kept = sales_summary()[0]
    sales_rebuild()

    assert kept == sales_summary()[0]
    assert [(row[0], row[3], row[4], row[5]) for row in kept] == [
        (placed, 1, order.total, Decimal("0.00")), (timezone.localdate(), 0, Decimal("0.00"), memo.total)]


def test_the_dashboard_shows_net_revenue_next_to_sales(staff_client, order):
    credit_memo_issue(order=order, amount=Decimal("7.50"), reason="Price match")

    page = " ".join(staff_client.get(reverse("orders:dashboard")).content.decode().split())

    net = order.total - Decimal("7.50")
    assert f"Net revenue <span class=\"fw-semibold\">${net}</span>" in page and "$7.50 credited" in page
    assert "<th scope=\"col\" class=\"text-end\">Net revenue</th>" in page


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_export_has_what_was_credited_and_refunded(staff_client, order, checkout_setup):
    payment_record(order=order, amount=order.total, method="check", received_on=timezone.localdate())
    memo = credit_memo_issue(order=order, amount=Decimal("7.50"), reason="Price match")
    refund_record(order=order, amount=Decimal("7.50"), method="check", reference="Check 2001")
    untouched = OrderFactory(shipping=checkout_setup[0])

    header, *rows = read_csv(staff_client.get(reverse("orders:export")))

    credited, refunded = header.index("Credited"), header.index("Refunded")
    by_number = {row[0]: (row[credited], row[refunded]) for row in rows}
    assert by_number == {str(order.number): (str(memo.total), "7.50"), str(untouched.number): ("0.00", "0.00")}
