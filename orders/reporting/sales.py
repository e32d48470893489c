"""The daily sales summary the dashboard reads, kept by the services that place, change and cancel orders and
issue credit memos.

A month of it is a few hundred rows (days x channels x staff), and its products' rows are added up by month
as well (the top products are an index's first rows), so the dashboard costs the same at 10M orders as at
1,000. ``sales_rebuild`` recomputes it from the orders (after a bulk load).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from orders import lifecycle
from orders.models import CreditMemo, Order, OrderLine
from orders.reporting.models import DailyProductSales, DailySales, MonthlyProductSales


def sales_day(order: Order) -> date:
    return timezone.localdate(order.created_at)


def sales_add(*, order: Order, lines: Iterable[OrderLine], sign: int = 1) -> None:
    """Count ``order`` (sign=-1: take it back out) in its day's summary; call in the order's transaction.

    Rows are locked by their upsert in a fixed order (the order's row, then products by primary key), after the
    products that placing locked, so two orders never wait on each other in a cycle."""
    day = sales_day(order)
    products: dict[int, list] = defaultdict(lambda: [0, Decimal("0")])
    for line in lines:
        if line.product_id is not None:  # custom items are no product's
            products[line.product_id][0] += sign * line.quantity
            products[line.product_id][1] += sign * line.line_total
    _bump((DailySales, [{"day": day, "channel": order.channel, "staff_id": order.placed_by_id or 0,
                         "orders": sign, "revenue": sign * order.total}]),
          *_product_batches(day, sorted(products.items())))


def sales_adjust(*, order: Order, before: tuple[Decimal, Iterable[OrderLine]], lines: Iterable[OrderLine]) -> None:
    """Move an edited ``order`` in its day's summary from how it was (``before``: its total and lines) to ``lines``
    and its total now: one update per row whose figures change, not the order taken out and put back in (which
    wrote every row twice), in sales_add's order of rows; call in the edit's transaction."""
    total, old_lines = before
    day = sales_day(order)
    day_rows = [{"day": day, "channel": order.channel, "staff_id": order.placed_by_id or 0, "orders": 0,
                 "revenue": order.total - total}] if order.total != total else []
    changes: dict[int, list] = defaultdict(lambda: [0, Decimal("0")])
    for sign, some_lines in ((-1, old_lines), (1, lines)):
        for line in some_lines:
            if line.product_id is None:  # no product: in no product's row
                continue
            changes[line.product_id][0] += sign * line.quantity
            changes[line.product_id][1] += sign * line.line_total
    _bump((DailySales, day_rows),
          *_product_batches(day, [(product_id, figures) for product_id, figures in sorted(changes.items())
                                  if figures[0] or figures[1]]))


def _product_batches(day: date, products: list[tuple[int, list]]) -> list[tuple[type, list[dict]]]:
    """The rows of products sold on ``day`` (product id, [quantity, revenue]) in its day's and its month's
    summaries."""
    month = day.replace(day=1)
    return [(DailyProductSales, [{"day": day, "product_id": product_id, "quantity": quantity, "revenue": revenue}
                                 for product_id, (quantity, revenue) in products]),
            (MonthlyProductSales, [{"month": month, "product_id": product_id, "quantity": quantity,
                                    "revenue": revenue} for product_id, (quantity, revenue) in products])]


def sales_credit(*, order: Order, amount: Decimal) -> None:
    """Count a credit memo of ``amount`` on ``order`` in today's summary (net revenue falls by it); call in the
    credit memo's transaction."""
    _bump((DailySales, [{"day": timezone.localdate(), "channel": order.channel, "staff_id": order.placed_by_id or 0,
                         "orders": 0, "revenue": Decimal("0"), "credited": amount}]))


def _bump(*batches: tuple[type, list[dict]]) -> None:
    """Add each row's amounts to its summary row, creating the rows that are missing (INSERT ... ON CONFLICT DO
    UPDATE, on PostgreSQL and SQLite), taking the rows' locks in the order given: the batches in turn, each's rows
    in order. It replaced an update, a savepoint, a get_or_create and a second update per row: 7 statements for a
    product's first sale of the day, and 20 of a 3-line order's 33.

    On PostgreSQL the batches are one statement: each but the last is a WITH clause that the next waits for (its
    count is read before the next inserts a row), so the order of the locks holds and placing saves round trips."""
    batches = [(model, rows) for model, rows in batches if rows]
    if connection.vendor == "postgresql" and len(batches) > 1:
        clauses, params = [], []
        for index, batch in enumerate(batches):
            sql, batch_params = _upsert(*batch, after=f"batch_{index - 1}" if index else "")
            clauses.append(sql if index == len(batches) - 1 else f"batch_{index} AS ({sql} RETURNING 1)")
            params += batch_params
        statements = [(f"WITH {', '.join(clauses[:-1])} {clauses[-1]}", params)]
    else:
        statements = [_upsert(model, rows) for model, rows in batches]
    # Raw SQL: bulk_create(update_conflicts=True) can only overwrite a column, not add to it (test_dashboard.py).
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


# The summary's rows by their unique keys; the other columns are amounts to add.
KEYS = {DailySales: ("day", "channel", "staff_id"), DailyProductSales: ("day", "product_id"),
        MonthlyProductSales: ("month", "product_id")}


def _upsert(model, rows: list[dict], *, after: str = "") -> tuple[str, list]:
    """The upsert of ``rows``; with ``after``, its rows are read once the WITH clause of that name has run."""
    names = list(rows[0])
    fields = {name: model._meta.get_field(name) for name in names}
    values = ", ".join([f"({', '.join(['%s'] * len(names))})"] * len(rows))
    params = [fields[name].get_db_prep_value(row[name], connection) for row in rows for name in names]
    source = (f"SELECT * FROM (VALUES {values}) AS wanted WHERE (SELECT count(*) FROM {after}) >= 0" if after
              else f"VALUES {values}")
    return _adding_insert(model, names, source), params


def _adding_insert(model, names: list[str], source: str) -> str:
    """INSERT INTO the summary ``model``'s columns ``names`` the rows of ``source``, each added to the row with its
    keys where there is one (names from the model's own meta; every value a parameter of ``source``)."""
    fields = {name: model._meta.get_field(name) for name in names}
    quote, table = connection.ops.quote_name, connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(quote(fields[name].column) for name in names)
    additions = ", ".join(f"{column} = {table}.{column} + excluded.{column}"
                          for column in (quote(fields[name].column) for name in names if name not in KEYS[model]))
    conflict = ", ".join(quote(fields[name].column) for name in KEYS[model])
    return (f"INSERT INTO {table} ({columns}) {source} "  # noqa: S608
            f"ON CONFLICT ({conflict}) DO UPDATE SET {additions}")


def sales_rebuild() -> None:
    """Recompute the whole summary from the orders that are not cancelled and every credit memo (on the day it was
    issued, under its order's channel and staff member, as sales_credit counts it), in the database
    (INSERT ... SELECT: millions of orders never pass through Python). After seeding, a bulk load, or upgrading to
    the summary.

    A day at a time, each in a transaction of its own: placing, editing or cancelling an order waits for its day's
    summary rows, so a rebuild holds them only while it recomputes that one day (test_sales_rebuild.py; a month
    at a time kept an order placed at 10M orders waiting 5 s). Newest day first: the days the dashboard shows are
    right within seconds, and today's rows, which every order placed meanwhile waits for, are recomputed before
    the years behind them fill the disk's queue. An order placed meanwhile is counted once: by the day's
    INSERT ... SELECT if committed before it, else by its own upsert after it. Once a month's days are done, its
    monthly product rows are corrected to their sums (sales_month_correct), which locks only rows that differ."""
    days = _days_to_rebuild()
    with transaction.atomic():  # days before the first sale: nothing sold then any more
        outside = ~Q(day__range=(days[0], days[-1])) if days else Q()
        DailySales.objects.filter(outside).delete()
        DailyProductSales.objects.filter(outside).delete()
        if days:
            MonthlyProductSales.objects.exclude(month__range=(days[0].replace(day=1), days[-1])).delete()
    for day in reversed(days):
        with transaction.atomic():
            _rebuild_days(day, day + timedelta(days=1))
        if day.day == 1 or day == days[0]:  # the month's days are done: its monthly rows follow them
            with transaction.atomic():
                sales_month_correct(day.replace(day=1))


def _days_to_rebuild() -> list[date]:
    """Every day from the first sale, credit memo or summary row to today."""
    found = [Order.objects.aggregate(first=Min("created_at"))["first"],
             CreditMemo.objects.aggregate(first=Min("created_at"))["first"]]
    days = [timezone.localdate(moment) for moment in found if moment]
    days += [day for day in (DailySales.objects.aggregate(first=Min("day"))["first"],
                             DailyProductSales.objects.aggregate(first=Min("day"))["first"]) if day]
    if not days:
        return []
    first, last = min(days), max([timezone.localdate(), *days])
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _rebuild_days(first: date, after: date) -> None:
    """The summary rows of the days first <= day < after, recomputed; in the caller's transaction."""
    start, end = _day_start(first), _day_start(after)
    live = Order.objects.filter(status__in=lifecycle.ordered(lifecycle.IN_SALES), created_at__gte=start,
                                created_at__lt=end)
    days = (live.annotate(sales_day=TruncDate("created_at"), staff=Coalesce("placed_by_id", Value(0)))
            .values("sales_day", "channel", "staff").annotate(n=Count("pk"), money=Sum("total")).order_by()
            .values_list("sales_day", "channel", "staff", "n", "money"))
    credits = (CreditMemo.objects.filter(created_at__gte=start, created_at__lt=end)
               .annotate(sales_day=TruncDate("created_at"), sales_channel=F("order__channel"),
                         staff=Coalesce("order__placed_by_id", Value(0)))
               .values("sales_day", "sales_channel", "staff")
               .annotate(n=Value(0), money=Value(Decimal("0")), credited=Sum("total")).order_by()
               .values_list("sales_day", "sales_channel", "staff", "n", "money", "credited"))
    # the lines of those orders, through one join to them (order__in=live would read every order to match them)
    lines = OrderLine.objects.filter(order__status__in=lifecycle.ordered(lifecycle.IN_SALES),
                                     order__created_at__gte=start, order__created_at__lt=end,
                                     product__isnull=False)  # custom items are no product
    products = (lines.annotate(sales_day=TruncDate("order__created_at"))
                .values("sales_day", "product_id").annotate(n=Sum("quantity"), money=Sum("line_total")).order_by()
                .values_list("sales_day", "product_id", "n", "money"))
    DailySales.objects.filter(day__gte=first, day__lt=after).delete()
    DailyProductSales.objects.filter(day__gte=first, day__lt=after).delete()
    _insert_from(DailySales, ("day", "channel", "staff_id", "orders", "revenue"), days)
    # a day's credit memos go in its sales' row when it has one, a row of their own when not
    _insert_from(DailySales, ("day", "channel", "staff_id", "orders", "revenue", "credited"), credits,
                 merge="credited")
    _insert_from(DailyProductSales, ("day", "product_id", "quantity", "revenue"), products)


def sales_months_correct() -> None:
    """Correct every month's product rows to the sums of its days (sales_month_correct), newest first, each in a
    transaction of its own: after an upgrade during which nodes on older code sold without the monthly rows."""
    found = DailyProductSales.objects.aggregate(first=Min("day"), last=Max("day"))
    month = found["last"] and found["last"].replace(day=1)
    while month and month >= found["first"].replace(day=1):
        with transaction.atomic():
            sales_month_correct(month)
        month = (month - timedelta(days=1)).replace(day=1)


def sales_month_correct(month: date) -> None:
    """Make the monthly product rows of ``month`` (its first day) the sums of its daily rows again, by adding to each
    the difference, in one statement in the caller's transaction.

    The difference is read in one snapshot, which holds an order placed meanwhile in both its daily and its
    monthly rows or in neither, so it is the same whatever is placed meanwhile; it is added (not set), as placing
    adds, so nothing placed meanwhile is lost. Only rows that differ are written and locked, in product order as
    placing locks them: after a rebuild of days that were right, none."""
    after = (month + timedelta(days=32)).replace(day=1)
    quote = connection.ops.quote_name
    daily, monthly = (quote(model._meta.db_table) for model in (DailyProductSales, MonthlyProductSales))
    # Raw SQL: the ORM cannot sum over a union of two tables, nor add to a row on conflict.
    differences = (f"SELECT * FROM (SELECT %s, product_id, sum(quantity), sum(revenue) FROM ("  # noqa: S608
                   f"SELECT product_id, quantity, revenue FROM {daily} WHERE day >= %s AND day < %s "
                   f"UNION ALL SELECT product_id, -quantity, -revenue FROM {monthly} WHERE month = %s) AS rows "
                   "GROUP BY product_id HAVING sum(quantity) <> 0 OR sum(revenue) <> 0 ORDER BY product_id) AS found "
                   "WHERE true")  # SQLite reads ON CONFLICT after a bare SELECT as a join's ON
    sql = _adding_insert(MonthlyProductSales, ["month", "product_id", "quantity", "revenue"], differences)
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [adapt(month), adapt(month), adapt(after), adapt(month)])


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _insert_from(model, columns: tuple[str, ...], rows, *, merge: str = "") -> None:
    """Insert ``rows`` (a values_list queryset, its columns in the order of ``columns``); with ``merge``, a row
    whose keys are there already gets that column set from it instead."""
    sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    if merge:
        keys = ", ".join(quote(model._meta.get_field(name).column) for name in KEYS[model])
        # WHERE true: SQLite reads ON CONFLICT after a bare SELECT as a join's ON.
        sql = (f"SELECT * FROM ({sql}) AS found WHERE true "  # noqa: S608
               f"ON CONFLICT ({keys}) DO UPDATE SET {quote(merge)} = excluded.{quote(merge)}")
    # Raw SQL: the ORM has no INSERT ... SELECT; bulk_create would bring every row through Python.
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql}", params)
