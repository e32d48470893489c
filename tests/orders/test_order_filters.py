"""The order list's filters (Status, Channel, Taken by, From, To) with the search and keyset pages, and Export CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from orders.reporting.views import excel_safe
from orders.selectors import OrderFilters, order_export_pages, order_search_page
from tests.factories import OrderFactory, ProductFactory, UserFactory, customer_with_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(checkout_setup, staff):
    """Twelve orders over twelve days (the newest today): every third by fax, every fourth cancelled,
    the even ones taken by alice; customers Quill (first six) and Ruiz."""
    product = ProductFactory(stock=1000)
    quill, ruiz = customer_with_address(last_name="Quill"), customer_with_address(last_name="Ruiz")
    made = []
    for index in range(12):
        order = OrderFactory(customer=quill if index < 6 else ruiz, lines=[(product, 1)], shipping=checkout_setup[0],
                             channel="fax" if index % 3 == 0 else "phone", placed_by=staff if index % 2 == 0 else None)
        created = timezone.now() - timedelta(days=11 - index)
        Order.objects.filter(pk=order.pk).update(created_at=created, status="cancelled" if index % 4 == 0 else "placed")
        made.append(Order.objects.get(pk=order.pk))
    return made


def numbers(page) -> list[int]:
    return [order.number for order in page]


def expected(orders, test) -> list[int]:
    return [order.number for order in reversed(orders) if test(order)]


@pytest.mark.parametrize(
    ("fields", "test"),
    [({"status": "cancelled"}, lambda o: o.status == "cancelled"),
     ({"channel": "fax"}, lambda o: o.channel == "fax"),
     ({"status": "placed", "channel": "fax"}, lambda o: o.status == "placed" and o.channel == "fax")],
)
def test_each_filter_narrows_the_list_newest_first(orders, fields, test):
    assert numbers(order_search_page("", filters=OrderFilters(**fields))) == expected(orders, test)


def test_taken_by_and_dates_narrow_the_list(orders, staff):
    today = timezone.localdate()
    filters = OrderFilters(taken_by=staff.pk, date_from=today - timedelta(days=5), date_to=today - timedelta(days=1))
    window = {order.number for order in orders[6:11]}
    assert numbers(order_search_page("", filters=filters)) == expected(
        orders, lambda o: o.placed_by_id == staff.pk and o.number in window)
    assert numbers(order_search_page("", filters=OrderFilters(date_to=today - timedelta(days=20)))) == []
    assert numbers(order_search_page("", filters=OrderFilters(date_from=today))) == [orders[-1].number]


def test_filters_combine_with_the_search_and_the_pages(orders):
    filters = OrderFilters(status="placed")
    first = order_search_page("quill", filters=filters, per_page=2)
    second = order_search_page("quill", filters=filters, per_page=2, after=first.next_cursor)
    found = numbers(first) + numbers(second)
    assert found == expected(orders[:6], lambda o: o.status == "placed")
    assert not second.has_next
    # a cursor made for other filters is not taken for these: the first page instead
    other = order_search_page("quill", per_page=2)
    assert numbers(order_search_page("quill", filters=filters, per_page=2, after=other.next_cursor)) == numbers(first)


def test_the_filters_are_kept_in_the_url_and_the_next_link(staff_client, orders):
    response = staff_client.get(reverse("orders:list"), {"status": "placed", "channel": "phone"})
    page = response.context["page"]
    assert numbers(page) == expected(orders, lambda o: o.status == "placed" and o.channel == "phone")
    html = response.content.decode()
    assert '<option value="placed" selected>Placed</option>' in html
    assert "status=placed&amp;channel=phone" in html  # the Export CSV link carries them


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [({"status": "lost"}, "status", "Choose one of the options in the list."),
     ({"channel": "a\x00b"}, "channel", "Choose one of the options in the list."),
     ({"taken_by": "²"}, "taken_by", "Choose one of the options in the list."),
     ({"taken_by": "999999"}, "taken_by", "Choose one of the options in the list."),
     ({"date_from": "x" * 10_000}, "date_from", "Enter a date such as 2026-11-27."),
     ({"date_from": "٢٠٢٦-١١-٢٧"}, "date_from", "Enter a date such as 2026-11-27."),
     ({"date_from": "2026-11-27", "date_to": "2026-11-01"}, "date_to", "The To date is before the From date.")],
)
def test_a_bad_filter_is_refused_next_to_the_field_and_kept(staff_client, orders, params, field, message):
    response = staff_client.get(reverse("orders:list"), params)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in form.errors[field]
    assert form[field].value() == params[field].replace("\x00", "")  # NUL bytes are dropped on the way in
    assert response.context["page"] is not None  # the other filters still list


def test_taken_by_offers_staff_only(staff_client, orders):
    UserFactory(username="outsider", is_staff=False)
    choices = dict(staff_client.get(reverse("orders:list")).context["form"].fields["taken_by"].choices)
    assert "alice" in choices.values() and "outsider" not in choices.values()


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_streams_the_filtered_orders_one_row_each(staff_client, orders, staff):
    response = staff_client.get(reverse("orders:export"), {"q": "ruiz", "status": "placed"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    rows = read_csv(response)
    assert rows[0][:4] == ["Order", "Placed at", "Customer", "Company"]
    wanted = expected(orders[6:], lambda o: o.status == "placed")
    assert [int(row[0]) for row in rows[1:]] == wanted
    newest = next(order for order in orders if order.number == wanted[0])
    row = rows[1]
    assert row[2] == newest.customer_name and row[5] == newest.get_channel_display() and row[6] == "Placed"
    assert row[7] == ("alice" if newest.placed_by_id else "") and row[13] == str(newest.total)


def test_export_reads_a_page_at_a_time(orders):
    pages = list(order_export_pages("", filters=OrderFilters(), per_page=5))
    assert [len(page) for page in pages] == [5, 5, 2]
    assert [order.number for page in pages for order in page] == expected(orders, lambda o: True)


def test_export_cells_cannot_start_a_formula(staff_client, checkout_setup):
    customer = customer_with_address(first_name="=HYPERLINK(\"http://x\")", last_name="-Ünïcødé", company="@corp")
    OrderFactory(customer=customer, shipping=checkout_setup[0])
    rows = read_csv(staff_client.get(reverse("orders:export")))
    assert rows[1][2] == "'=HYPERLINK(\"http://x\") -Ünïcødé" and rows[1][3] == "'@corp"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_excel_safe_quotes_what_a_spreadsheet_would_run(text):
    assert excel_safe(text) == "'" + text
    assert excel_safe("Plain, text") == "Plain, text"


def test_a_bad_filter_exports_with_the_valid_ones_only(staff_client, orders):
    rows = read_csv(staff_client.get(reverse("orders:export"), {"status": "lost", "channel": "fax"}))
    assert [int(row[0]) for row in rows[1:]] == expected(orders, lambda o: o.channel == "fax")


def test_the_list_and_the_export_show_the_fields_own_labels(staff_client, orders):
    order = orders[-1]  # the newest: placed, by phone, confirmation not sent
    labels = [order.get_channel_display(), order.get_status_display(), order.get_confirmation_state_display()]

    text = staff_client.get(reverse("orders:list")).content.decode()
    row = next(row for row in read_csv(staff_client.get(reverse("orders:export")))[1:] if row[0] == str(order.number))

    assert all(f"<td>{label}</td>" in text for label in labels)
    assert [row[5], row[6], row[9], row[14]] == [*labels[:2], order.get_payment_method_display(), labels[2]]


def test_owed_to_customer_lists_the_orders_with_money_to_pay_back_and_the_list_shows_each_balance(
        staff_client, checkout_setup):
    from decimal import Decimal

    from orders.payments.services import payment_record
    from orders.returns.services import credit_memo_issue
    from tests.helpers import ship_everything

    owed, due, settled = (OrderFactory(shipping=checkout_setup[0]) for _ in range(3))
    for order in (owed, settled):
        payment_record(order=order, amount=order.total, method="check", received_on=timezone.localdate())
    credit_memo_issue(order=ship_everything(owed), amount=Decimal("4.00"), reason="Scratched")

    response = staff_client.get(reverse("orders:list"), {"owed": "on"})

    assert numbers(response.context["page"]) == [owed.number]
    page = " ".join(response.content.decode().split())
    assert '<td class="money text-danger">-$4.00<span class="visually-hidden"> (owed to the customer)</span>' in page
    rows = staff_client.get(reverse("orders:list")).content.decode().split("<tr")
    [due_row] = [row for row in rows if f">#{due.number}<" in row]
    assert due_row.count(f"${due.total}") == 2  # its total, all of it due
    [settled_row] = [row for row in rows if f">#{settled.number}<" in row]
    assert "$0.00" in settled_row
    assert numbers(order_search_page("", filters=OrderFilters(owed=True, channel="fax"))) == []


def backorder(order, waiting: int) -> None:
    """What placing will write for a line beyond stock (tests set it on the rows): the line's backordered units and
    the order's flag."""
    from orders.models import OrderLine

    line = order.lines.order_by("pk").first()
    OrderLine.objects.filter(pk=line.pk).update(quantity=line.quantity + waiting, quantity_backordered=waiting)
    Order.objects.filter(pk=order.pk).update(backordered=True)


def test_backordered_lists_the_orders_waiting_for_stock_with_the_other_filters_and_pages(staff_client, orders):
    for order in orders[1::3]:
        backorder(order, 2)
    waiting = expected(orders, lambda o: o in orders[1::3])

    response = staff_client.get(reverse("orders:list"), {"backordered": "on"})

    assert numbers(response.context["page"]) == waiting
    assert 'name="backordered"' in response.content.decode() and "backordered=on" in response.content.decode()
    faxed = expected(orders, lambda o: o in orders[1::3] and o.channel == "fax")
    assert numbers(order_search_page("", filters=OrderFilters(backordered=True, channel="fax"))) == faxed
    first = order_search_page("", filters=OrderFilters(backordered=True), per_page=2)
    second = order_search_page("", filters=OrderFilters(backordered=True), per_page=2, after=first.next_cursor)
    assert numbers(first) + numbers(second) == waiting
    # a cursor of the unfiltered list is not taken for the filtered one: the first page instead
    other = order_search_page("", per_page=2)
    assert numbers(order_search_page("", filters=OrderFilters(backordered=True), per_page=2,
                                     after=other.next_cursor)) == numbers(first)


def test_the_status_filter_offers_on_hold(staff_client, orders):
    choices = dict(staff_client.get(reverse("orders:list")).context["form"].fields["status"].choices)
    assert choices["on_hold"] == "On hold"


def test_export_adds_the_backordered_units_and_the_hold_reason(staff_client, orders):
    from orders.changes.services import order_hold

    newest, held = orders[-1], orders[-2]
    backorder(newest, 3)
    order_hold(order=held, reason="=Fraud check")

    rows = read_csv(staff_client.get(reverse("orders:export")))

    assert rows[0][-2:] == ["Backordered", "Hold reason"]
    by_number = {int(row[0]): row for row in rows[1:]}
    assert by_number[newest.number][-2:] == ["3", ""]
    assert by_number[held.number][-2:] == ["0", "'=Fraud check"]  # a spreadsheet's formula is not run


def test_export_reads_each_page_in_the_same_queries_however_many_lines_wait(orders):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            pages = list(order_export_pages("", filters=OrderFilters(), per_page=5))
        assert [order.quantity_backordered for page in pages for order in page]  # read with the page
        return len(captured)

    before = queries()
    for order in orders:
        backorder(order, 1)
    assert queries() == before == 3 * 2  # three pages: the page's keys, then its rows with their backorders
