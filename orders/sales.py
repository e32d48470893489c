"""The daily sales summary the dashboard reads, kept by the services that place and cancel orders.

A month of it is a few hundred rows (days x channels x staff; days x products sold), so the dashboard
costs the same at 1M orders as at 1,000. ``sales_rebuild`` recomputes it from the orders (after a bulk load).
"""

from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from .models import DailyProductSales, DailySales, Order, OrderLine


def sales_day(order: Order) -> date:
    return timezone.localdate(order.created_at)


def sales_add(*, order: Order, lines: Iterable[OrderLine], sign: int = 1) -> None:
    """Count ``order`` (sign=-1: take it back out) in its day's summary; call in the order's transaction.

    Rows are locked by their upsert in a fixed order (the order's row, then products by primary key), after the
    products that placing locked, so two orders never wait on each other in a cycle."""
    day = sales_day(order)
    _bump(DailySales, {"day": day, "channel": order.channel, "staff_id": order.placed_by_id or 0},
          orders=sign, revenue=sign * order.total)
    for line in sorted(lines, key=lambda line: line.product_id):
        _bump(DailyProductSales, {"day": day, "product_id": line.product_id},
              quantity=sign * line.quantity, revenue=sign * line.line_total)


def _bump(model, key: dict, **amounts) -> None:
    changes = {field: F(field) + amount for field, amount in amounts.items()}
    if model.objects.filter(**key).update(**changes):
        return
    with transaction.atomic():  # a savepoint: another order may have created the row since
        _, created = model.objects.get_or_create(**key, defaults=amounts)
    if not created:
        model.objects.filter(**key).update(**changes)


def sales_rebuild() -> None:
    """Recompute the whole summary from the orders that are not cancelled (after seeding or a bulk load)."""
    live = Order.objects.exclude(status=Order.Status.CANCELLED)
    with transaction.atomic():
        DailySales.objects.all().delete()
        DailyProductSales.objects.all().delete()
        _insert(DailySales, live.values("created_at__date", "channel", "placed_by_id")
                .annotate(n=Count("pk"), money=Sum("total")).values_list("created_at__date", "channel", "placed_by_id",
                                                                      "n", "money"),
                lambda day, channel, staff, n, money: DailySales(day=day, channel=channel, staff_id=staff or 0,
                                                                 orders=n, revenue=money))
        lines = OrderLine.objects.filter(order__in=live).values("order__created_at__date", "product_id")
        _insert(DailyProductSales, lines.annotate(n=Sum("quantity"), money=Sum("line_total"))
                .values_list("order__created_at__date", "product_id", "n", "money"),
                lambda day, product, n, money: DailyProductSales(day=day, product_id=product, quantity=n,
                                                                 revenue=money))


def _insert(model, rows, build, batch: int = 5_000) -> None:
    pending = []
    for row in rows.iterator(chunk_size=batch) if connection.vendor == "postgresql" else rows:
        pending.append(build(*row))
        if len(pending) >= batch:
            model.objects.bulk_create(pending)
            pending = []
    model.objects.bulk_create(pending)
