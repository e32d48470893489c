"""The daily sales summary the dashboard reads, kept by the services that place, change and cancel orders and
issue credit memos.

A month of it is a few hundred rows (days x channels x staff; days x products sold), so the dashboard
costs the same at 1M orders as at 1,000. ``sales_rebuild`` recomputes it from the orders (after a bulk load).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from orders import lifecycle
from orders.models import CreditMemo, Order, OrderLine
from orders.reporting.models import DailyProductSales, DailySales


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
          (DailyProductSales, [{"day": day, "product_id": product_id, "quantity": quantity, "revenue": revenue}
                               for product_id, (quantity, revenue) in sorted(products.items())]))


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
          (DailyProductSales, [{"day": day, "product_id": product_id, "quantity": quantity, "revenue": revenue}
                               for product_id, (quantity, revenue) in sorted(changes.items()) if quantity or revenue]))


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

    On PostgreSQL two batches are one statement: the first is a WITH clause that the second waits for (its count
    is read before the second inserts a row), so the order of the locks holds and placing saves a round trip."""
    batches = [(model, rows) for model, rows in batches if rows]
    if connection.vendor == "postgresql" and len(batches) == 2:
        (first, first_params), (then, then_params) = _upsert(*batches[0]), _upsert(*batches[1], after="earlier")
        statements = [(f"WITH earlier AS ({first} RETURNING 1) {then}", first_params + then_params)]
    else:
        statements = [_upsert(model, rows) for model, rows in batches]
    # Raw SQL: bulk_create(update_conflicts=True) can only overwrite a column, not add to it (test_dashboard.py).
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


# The summary's rows by their unique keys; the other columns are amounts to add.
KEYS = {DailySales: ("day", "channel", "staff_id"), DailyProductSales: ("day", "product_id")}


def _upsert(model, rows: list[dict], *, after: str = "") -> tuple[str, list]:
    """The upsert of ``rows``; with ``after``, its rows are read once the WITH clause of that name has run."""
    keys, names = KEYS[model], list(rows[0])
    fields = {name: model._meta.get_field(name) for name in names}
    quote, table = connection.ops.quote_name, connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(quote(fields[name].column) for name in names)
    additions = ", ".join(f"{column} = {table}.{column} + excluded.{column}"
                          for column in (quote(fields[name].column) for name in names if name not in keys))
    conflict = ", ".join(quote(fields[name].column) for name in keys)
    values = ", ".join([f"({', '.join(['%s'] * len(names))})"] * len(rows))
    params = [fields[name].get_db_prep_value(row[name], connection) for row in rows for name in names]
    source = (f"SELECT * FROM (VALUES {values}) AS wanted WHERE (SELECT count(*) FROM {after}) >= 0" if after
              else f"VALUES {values}")
    # Names from the model's own meta; every value a parameter.
    return (f"INSERT INTO {table} ({columns}) {source} "  # noqa: S608
            f"ON CONFLICT ({conflict}) DO UPDATE SET {additions}", params)


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
    INSERT ... SELECT if committed before it, else by its own upsert after it."""
    days = _days_to_rebuild()
    with transaction.atomic():  # days before the first sale: nothing sold then any more
        outside = ~Q(day__range=(days[0], days[-1])) if days else Q()
        DailySales.objects.filter(outside).delete()
        DailyProductSales.objects.filter(outside).delete()
    for day in reversed(days):
        with transaction.atomic():
            _rebuild_days(day, day + timedelta(days=1))


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
