"""The sales dashboard's reads: sums over the daily summary (orders.reporting.sales), a month of it a few hundred
rows, the month's top products from its monthly rows, and counts of open orders capped at COUNT_CAP along partial
indexes, so the page costs the same at 10M orders."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.dateformat import format as date_format

from orders import lifecycle
from orders.lifecycle import ON_HOLD
from orders.models import Order
from orders.payments.terms import OPEN_BALANCE
from orders.reporting.models import DailySales, MonthlyProductSales

COUNT_CAP = 1_000
CHART_WIDTH = 600


LABEL_WIDTH = 170  # a row's label, left of its bar
VALUE_WIDTH = 90  # its amount, right of it


@dataclass(frozen=True)
class Bar:
    """A bar's figures and its rectangle in the chart's units (SVG attributes: no style, under our CSP)."""

    label: str
    value: Decimal
    count: int
    x: float
    y: float
    width: float
    height: float
    text_y: float = 0
    credited: Decimal = Decimal("0")  # credit memos of the day (a column chart's): net revenue is value - credited

    @property
    def net(self) -> Decimal:
        return self.value - self.credited


@dataclass
class Chart:
    title: str
    bars: list[Bar] = field(default_factory=list)
    height: int = 0


def horizontal(title: str, rows: list[tuple[str, Decimal, int]], *, row_height: int = 28) -> Chart:
    """One bar a row, revenue as its length (the label and figures are drawn beside it)."""
    top = max((value for _, value, _ in rows), default=Decimal("0")) or Decimal("1")
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [Bar(label, value, count, x=LABEL_WIDTH, y=index * row_height + 5,
                width=round(max(float(value / top) * room, 1), 1), height=row_height - 10,
                text_y=index * row_height + 18)
            for index, (label, value, count) in enumerate(rows)]
    return Chart(title, bars, height=max(len(bars), 1) * row_height)


def columns(title: str, rows: list[tuple[str, Decimal, int, Decimal]], *, height: int = 160) -> Chart:
    """One column a day, revenue as its height; each row's last figure is the day's credit memos."""
    top = max((value for _, value, _, _ in rows), default=Decimal("0")) or Decimal("1")
    step, floor = CHART_WIDTH / max(len(rows), 1), height - 20
    bars = []
    for index, (label, value, count, credited) in enumerate(rows):
        length = round(float(value / top) * (floor - 5), 1)
        bars.append(Bar(label, value, count, x=round(index * step + 1, 1), y=floor - length,
                        width=round(step - 2, 1), height=length, credited=credited))
    return Chart(title, bars, height=height)


@dataclass(frozen=True)
class Period:
    name: str
    orders: int
    revenue: Decimal
    credited: Decimal = Decimal("0")  # credit memos issued in the period

    @property
    def net(self) -> Decimal:
        """Net revenue: sales less the credit memos issued."""
        return self.revenue - self.credited


def periods(today: date) -> list[Period]:
    week, month = today - timedelta(days=today.weekday()), today.replace(day=1)
    starts = {"Today": today, "This week": week, "This month": month}
    sums = {}
    for index, start in enumerate(starts.values()):
        sums[f"orders_{index}"] = Sum("orders", filter=Q(day__gte=start), default=0)
        sums[f"revenue_{index}"] = Sum("revenue", filter=Q(day__gte=start), default=Decimal("0"))
        sums[f"credited_{index}"] = Sum("credited", filter=Q(day__gte=start), default=Decimal("0"))
    found = DailySales.objects.filter(day__gte=min(week, month), day__lte=today).aggregate(**sums)
    return [Period(name, found[f"orders_{index}"], found[f"revenue_{index}"], found[f"credited_{index}"])
            for index, name in enumerate(starts)]


def by_channel(start: date, end: date) -> Chart:
    labels = dict(Order.Channel.choices)
    rows = (DailySales.objects.filter(day__range=(start, end)).values("channel")
            .annotate(revenue=Sum("revenue"), orders=Sum("orders")).order_by("-revenue"))
    return horizontal("Revenue by channel", [(labels.get(row["channel"], row["channel"]), row["revenue"],
                                              row["orders"]) for row in rows])


def by_staff(start: date, end: date, limit: int = 10) -> Chart:
    rows = list(DailySales.objects.filter(day__range=(start, end)).values("staff_id")
                .annotate(revenue=Sum("revenue"), orders=Sum("orders")).order_by("-revenue")[:limit])
    users = get_user_model().objects.in_bulk([row["staff_id"] for row in rows if row["staff_id"]])
    name = {pk: user.get_username() for pk, user in users.items()}
    return horizontal("Revenue by staff member", [(name.get(row["staff_id"], "nobody (imported)"), row["revenue"],
                                                   row["orders"]) for row in rows])


def top_products(month: date, limit: int = 10) -> Chart:
    """The month's best sellers: the first rows of the monthly summary's (month, revenue) index."""
    rows = (MonthlyProductSales.objects.filter(month=month).select_related("product")
            .only("revenue", "quantity", "product__sku", "product__name").order_by("-revenue", "product_id")[:limit])
    return horizontal("Top products by revenue", [(f"{row.product.sku} {row.product.name}"[:60], row.revenue,
                                                   row.quantity) for row in rows])


def daily(start: date, end: date) -> Chart:
    found = {row["day"]: row for row in DailySales.objects.filter(day__range=(start, end)).values("day")
             .annotate(revenue=Sum("revenue"), orders=Sum("orders"), credited=Sum("credited"))}
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    return columns("Revenue per day, last 30 days", [
        (date_format(day, "M j"), found.get(day, {}).get("revenue") or Decimal("0"),
         found.get(day, {}).get("orders") or 0, found.get(day, {}).get("credited") or Decimal("0")) for day in days])


@dataclass(frozen=True)
class Waiting:
    name: str
    count: int
    capped: bool
    link: str = ""  # the order list's query string that lists them


def _capped(queryset) -> tuple[int, bool]:
    # COUNT(*) over the capped subquery: the database counts the index entries, no thousand numbers come back
    found = queryset.order_by("-number").values("number")[:COUNT_CAP + 1].count()
    return min(found, COUNT_CAP), found > COUNT_CAP


def awaiting(today: date) -> list[Waiting]:
    """Open orders, counted along the partial indexes up to COUNT_CAP (the page says "1,000+" beyond)."""
    shipment = Order.objects.filter(status__in=lifecycle.ordered(lifecycle.AWAITING_SHIPMENT))
    payment = (Order.objects.filter(payment_status__in=OPEN_BALANCE)
               .exclude(status__in=lifecycle.ordered(lifecycle.NOT_PAYABLE)))
    overdue = payment.filter(due_date__lt=today)
    held = Order.objects.filter(on_hold=True)  # the partial index order_on_hold
    backordered = Order.objects.filter(backordered=True)  # the partial index order_backordered
    return [Waiting("Awaiting shipment", *_capped(shipment)), Waiting("Awaiting payment", *_capped(payment)),
            Waiting("Overdue", *_capped(overdue), link="overdue=1"),
            Waiting("On hold", *_capped(held), link=f"status={ON_HOLD}"),
            Waiting("Backordered", *_capped(backordered), link="backordered=1")]


def dashboard(today: date | None = None) -> dict:
    today = today or timezone.localdate()
    month = today.replace(day=1)
    return {
        "today": today, "month_start": month, "periods": periods(today), "awaiting": awaiting(today),
        "charts": [by_channel(month, today), by_staff(month, today), top_products(month)],
        "daily": daily(today - timedelta(days=29), today), "chart_width": CHART_WIDTH,
    }
