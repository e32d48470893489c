"""The sales dashboard: sums kept by the services, the same after a rebuild, charts as SVG and tables, managers only."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from oms.accounts.roles import ORDER_ENTRY
from orders.changes.services import order_cancel
from orders.reporting.dashboard import dashboard
from orders.reporting.sales import sales_rebuild
from orders.returns.services import credit_memo_issue
from tests.factories import OrderFactory, ProductFactory, ShippingMethodFactory, UserFactory
from tests.helpers import months_of, postgres_only, return_goods, sales_summary, ship_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(checkout_setup, staff):
    lamp, desk = ProductFactory(sku="LMP", name="Lamp", price=Decimal("10.00")), ProductFactory(sku="DSK", name="Desk")
    orders = [OrderFactory(lines=[(lamp, 2)], shipping=checkout_setup[0], placed_by=staff),
              OrderFactory(lines=[(lamp, 1), (desk, 1)], shipping=checkout_setup[0], channel="fax"),
              OrderFactory(lines=[(desk, 3)], shipping=checkout_setup[0])]
    order_cancel(order=orders[2], reason="customer asked")
    return orders


def test_placing_cancelling_and_crediting_keep_the_summary_that_a_rebuild_gives(sales):
    ship_everything(sales[0])
    return_goods(sales[0], {"LMP": 1}, refund_shipping=True)  # a credit memo for a return
    credit_memo_issue(order=ship_everything(sales[1]), amount=Decimal("3.00"), reason="Scratched")  # goodwill
    kept = sales_summary()
    sales_rebuild()
    rebuilt = sales_summary()
    assert sum(row[5] for row in rebuilt[0]) == sales[0].credit_memos.get().total + Decimal("3.00")
    assert [row for row in kept[0] if row[3] or row[5]] == rebuilt[0]  # a cancelled order leaves its row at zero
    assert [row for row in kept[1] if row[2]] == rebuilt[1]
    assert [row for row in kept[2] if row[2]] == rebuilt[2] == months_of(rebuilt[1])


def test_the_months_product_rows_add_up_its_days_after_a_rebuild_placing_and_cancelling(sales, staff):
    """An order moved to last month after placing: the rebuild takes it out of this month's rows and puts it in last
    month's; then placing and cancelling keep each month's rows the sum of its days' (an edit:
    test_edit_fulfilment.py)."""
    from orders.models import Order

    last_month = timezone.now().replace(day=1) - timezone.timedelta(days=3)
    Order.objects.filter(pk=sales[1].pk).update(created_at=last_month)
    sales_rebuild()
    summary = sales_summary()
    assert {row[0] for row in summary[2] if row[2]} == {timezone.localdate().replace(day=1),
                                                        timezone.localdate(last_month).replace(day=1)}
    assert [row for row in summary[2] if row[2]] == months_of(summary[1])
    lamp = sales[0].lines.get().product
    order_cancel(order=sales[0], reason="customer asked")
    OrderFactory(lines=[(lamp, 4)], shipping=ShippingMethodFactory(), placed_by=staff)
    summary = sales_summary()
    assert [row for row in summary[2] if row[2]] == [row for row in months_of(summary[1]) if row[2]]
    assert dashboard()["charts"][2].bars[0].count == 4  # this month's lamps: the new order's, not the cancelled


def test_a_month_that_drifted_from_its_days_is_corrected_and_correcting_again_changes_nothing(sales):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orders.reporting.models import MonthlyProductSales
    from orders.reporting.sales import sales_month_correct

    month = timezone.localdate().replace(day=1)
    right = sales_summary()[2]
    MonthlyProductSales.objects.filter(product__sku="LMP").update(quantity=99)  # as a node on older code would
    MonthlyProductSales.objects.filter(product__sku="DSK").delete()
    sales_month_correct(month)
    assert sales_summary()[2] == right
    with CaptureQueriesContext(connection) as captured:
        sales_month_correct(month)
    assert sales_summary()[2] == right and len(captured.captured_queries) == 1


@postgres_only
def test_the_months_top_products_are_the_first_rows_of_its_index(sales):
    """However many products sold in the month, the chart reads its ten rows along (month, revenue)."""
    from django.db import connection

    from orders.reporting.dashboard import top_products
    from orders.reporting.models import MonthlyProductSales
    from tests.plans import plans_of, rows_read, scans

    month = timezone.localdate().replace(day=1)
    products = ProductFactory.create_batch(60)
    MonthlyProductSales.objects.bulk_create(
        MonthlyProductSales(month=month.replace(year=month.year - offset), product=product, quantity=1,
                            revenue=Decimal(index)) for index, product in enumerate(products) for offset in range(3))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_monthlyproductsales")
        cursor.execute("SET LOCAL enable_seqscan = off")  # the plan of a big table
    [(_, plan)] = plans_of(lambda: top_products(month))
    read = {node.get("Index Name"): rows_read(node) for node in scans(plan)}
    assert read["monthly_product_sales_top"] <= 11, plan  # the ten, and the next for a tie on revenue
    assert [bar.value for bar in top_products(month).bars] == [Decimal(index) for index in range(59, 49, -1)]


def test_placing_writes_the_summary_in_one_statement_new_rows_or_not(checkout_setup, staff):
    """One upsert per table on SQLite; on PostgreSQL the three are one statement (the day's and the products' rows
    in WITH clauses)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    products = [ProductFactory(sku=f"SUM-{n}") for n in range(3)]
    for _ in range(2):  # first the day's and the products' rows are new, then they are there
        with CaptureQueriesContext(connection) as captured:
            OrderFactory(lines=[(product, 1) for product in products], shipping=checkout_setup[0], placed_by=staff)
        summary = [query["sql"] for query in captured.captured_queries
                   if any(table in query["sql"].lower() for table in ("dailysales", "productsales"))]
        assert len(summary) == (1 if connection.vendor == "postgresql" else 3), summary
    assert [row[2] for row in sales_summary()[1]] == [2, 2, 2] == [row[2] for row in sales_summary()[2]]
    assert [row[3] for row in sales_summary()[0]] == [2]


def test_the_dashboard_counts_orders_and_revenue_without_cancelled_ones(sales):
    data = dashboard()
    today = data["periods"][0]
    live = sales[0].total + sales[1].total
    assert (today.name, today.orders, today.revenue) == ("Today", 2, live)
    channels = {bar.label: bar.value for bar in data["charts"][0].bars}
    assert channels == {"Phone": sales[0].total, "Fax": sales[1].total}
    assert [bar.label for bar in data["charts"][2].bars][0].startswith("LMP")
    assert {waiting.name: waiting.count for waiting in data["awaiting"]} == {
        "Awaiting shipment": 2, "Awaiting payment": 2, "Overdue": 0, "On hold": 0, "Backordered": 0}


def test_the_dashboard_page_draws_svg_charts_with_tables(staff_client, sales):
    response = staff_client.get(reverse("orders:dashboard"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 4 and "<rect" in page and "style=" not in page
    assert "<caption>Revenue by channel, this month</caption>" in page
    assert "Awaiting shipment" in page and "Dashboard" in page


# session, user, the authenticator, the user's and their groups' permissions, the period
# totals, awaiting shipment, awaiting payment, overdue, on hold, backordered, by channel, by staff member and their
# users, top products with their products, revenue per day
DASHBOARD_QUERIES = 16


def test_the_dashboard_reads_a_fixed_number_of_queries(staff_client, sales, django_assert_max_num_queries):
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        staff_client.get(reverse("orders:dashboard"))
    OrderFactory.create_batch(5, shipping=ShippingMethodFactory())
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        staff_client.get(reverse("orders:dashboard"))


def test_order_entry_staff_neither_see_nor_open_the_dashboard(client, db):
    client.force_login(UserFactory(role=ORDER_ENTRY))
    assert b"Dashboard" not in client.get(reverse("orders:list")).content
    assert client.get(reverse("orders:dashboard")).status_code == 403


@postgres_only
def test_open_orders_are_counted_and_listed_along_the_partial_indexes(sales):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orders.reporting.dashboard import awaiting
    from orders.selectors import OrderFilters, order_search_page

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")  # statistics of these rows, not of rows earlier tests left behind
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows fit a page; at 1M a seq scan would not win
    with CaptureQueriesContext(connection) as captured:
        awaiting(timezone.localdate())
        order_search_page("", filters=OrderFilters(overdue=True))
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if "orders_order" in query["sql"] and "LIMIT" in query["sql"]:
                cursor.execute(f"EXPLAIN {query['sql']}")
                plans.append(" ".join(row[0] for row in cursor.fetchall()))
    names = ("order_awaiting_shipment", "order_status_newest", "order_balance_open", "order_balance_due",
             "order_on_hold", "order_backordered")
    used = [next((name for name in names if name in plan), plan) for plan in plans]
    # Awaiting shipment may also read the order list's (status, number) index (issue 10): it too holds only the open
    # statuses' entries; with a few rows the planner picks either (only the partial one stops at the cap unsorted).
    assert used[0] in ("order_awaiting_shipment", "order_status_newest")
    assert used[1:] == ["order_balance_open", "order_balance_due", "order_on_hold", "order_backordered",
                        "order_balance_due"]


def test_open_orders_beyond_the_cap_are_shown_as_the_cap_and_a_plus(staff_client, sales, monkeypatch):
    monkeypatch.setattr("orders.reporting.dashboard.COUNT_CAP", 1)
    counts = {waiting.name: (waiting.count, waiting.capped) for waiting in dashboard()["awaiting"]}
    assert counts == {"Awaiting shipment": (1, True), "Awaiting payment": (1, True), "Overdue": (0, False),
                      "On hold": (0, False), "Backordered": (0, False)}
    page = " ".join(staff_client.get(reverse("orders:dashboard")).content.decode().split())
    assert "Awaiting shipment:</span> 1+" in page


def test_an_adjustment_counts_lines_without_a_product_in_the_days_total_only(sales):
    from orders.models import OrderLine
    from orders.reporting.models import DailyProductSales
    from orders.reporting.sales import sales_adjust

    order = sales[0]
    before, revenue = (order.total, list(order.lines.all())), sales[0].total + sales[1].total
    custom = OrderLine(order=order, product=None, sku="", name="Gift wrap", unit_price=Decimal("3.00"), quantity=1,
                       line_total=Decimal("3.00"))  # a line with no catalogue product, as custom items will be
    order.total += Decimal("3.00")
    rows_before = sorted(DailyProductSales.objects.values_list("product_id", "quantity", "revenue"))

    sales_adjust(order=order, before=before, lines=[*before[1], custom])

    assert dashboard()["periods"][0].revenue == revenue + Decimal("3.00")
    assert sorted(DailyProductSales.objects.values_list("product_id", "quantity", "revenue")) == rows_before


def test_backordered_orders_are_counted_beside_the_held_ones_and_link_to_the_list(staff_client, sales):
    from orders.models import Order

    Order.objects.filter(pk__in=[sales[0].pk, sales[1].pk]).update(backordered=True)  # as placing will set it

    counts = {waiting.name: waiting.count for waiting in dashboard()["awaiting"]}
    page = staff_client.get(reverse("orders:dashboard")).content.decode()

    assert list(counts)[-2:] == ["On hold", "Backordered"] and counts["Backordered"] == 2
    assert f'href="{reverse("orders:list")}?backordered=1">2</a>' in page
    listed = staff_client.get(reverse("orders:list"), {"backordered": "1"}).context["page"]
    assert {order.number for order in listed} == {sales[0].number, sales[1].number}


def test_sales_rebuild_months_only_corrects_every_month_to_its_days(sales):
    """After an upgrade, orders that nodes on older code placed are in the daily rows only."""
    from django.core.management import call_command

    from orders.models import Order
    from orders.reporting.models import MonthlyProductSales

    Order.objects.filter(pk=sales[1].pk).update(created_at=timezone.now().replace(day=1) - timezone.timedelta(days=40))
    sales_rebuild()
    right = [row for row in sales_summary()[2] if row[2]]
    assert len({row[0] for row in right}) == 2
    MonthlyProductSales.objects.all().delete()
    call_command("sales_rebuild", "--months-only")
    assert sales_summary()[2] == right == months_of(sales_summary()[1])
