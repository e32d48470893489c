"""Finding orders: the order list's search and filters on keyset pages, the export's pages, the timeline."""

import operator
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.selectors import customer_search_ranges
from oms.core.paging import Page
from oms.core.seek import Branch, Key, Sql, seek_ids, seek_page
from orders import lifecycle
from orders.events import sentence
from orders.models import Order, OrderEvent, OrderLine

ORDER_NUMBER = re.compile(r"[0-9]+", re.ASCII)


CUSTOMER_ORDERS = "customers_customer c JOIN orders_order o ON o.customer_id = c.id"


# Orders are numbered as they are stamped (created_at is set just before the INSERT that draws the number), so a
# date range is also a range of numbers; the number bounds are found with this much slack for app servers' clocks.
CLOCK_SLACK = timedelta(hours=1)


NO_NUMBER = 2**63 - 1


@dataclass(frozen=True)
class OrderFilters:
    """The order list's filters; each empty one filters nothing. Dates are whole days in TIME_ZONE."""

    status: str = ""
    channel: str = ""
    taken_by: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    overdue: bool = False  # past the due date with a balance left (the order_balance_due partial index)
    owed: bool = False  # money owed to the customer (the order_owed_to_customer partial index)
    on_hold: bool = False  # held orders (the order_on_hold partial index)
    backordered: bool = False  # some line waits for stock (the order_backordered partial index)

    def key(self) -> str:
        return (f"{self.status}|{self.channel}|{self.taken_by or ''}|{self.date_from or ''}|{self.date_to or ''}"
                f"|{'overdue' if self.overdue else ''}|{'owed' if self.owed else ''}|{'held' if self.on_hold else ''}"
                f"|{'backordered' if self.backordered else ''}")

    def condition(self) -> Sql | None:
        """The filters on orders_order ``o``; each is a range of one of its (column, number) indexes. Dates also
        bound the number (one probe of the created_at index each), so that the primary key's range stops at the
        dates' edges and the planner knows how wide it is."""
        parts = [Sql(f"o.{column} = %s", (value,)) for column, value in
                 (("status", self.status), ("channel", self.channel), ("placed_by_id", self.taken_by)) if value]
        if self.date_from:
            start = _day_start(self.date_from)
            before = Order.objects.filter(created_at__lt=start - CLOCK_SLACK).order_by("-created_at")
            parts += [Sql("o.created_at >= %s", (_db_time(start),)),
                      Sql("o.number > %s", (before.values_list("number", flat=True).first() or 0,))]
        if self.date_to:
            end = _day_start(self.date_to + timedelta(days=1))
            after = Order.objects.filter(created_at__gte=end + CLOCK_SLACK).order_by("created_at")
            parts += [Sql("o.created_at < %s", (_db_time(end),)),
                      Sql("o.number < %s", (after.values_list("number", flat=True).first() or NO_NUMBER,))]
        if self.overdue:
            unpayable = lifecycle.ordered(lifecycle.NOT_PAYABLE)  # as order_balance_due's condition says it
            parts.append(Sql("o.due_date < %s AND o.payment_status IN ('unpaid', 'partially_paid') "
                             f"AND o.status NOT IN ({', '.join(['%s'] * len(unpayable))})",
                             (timezone.localdate(), *unpayable)))
        if self.on_hold:
            parts.append(Sql("o.on_hold"))  # as order_on_hold's condition says it
        if self.backordered:
            parts.append(Sql("o.backordered"))  # as order_backordered's condition says it
        if self.owed:
            unpayable = lifecycle.ordered(lifecycle.NOT_PAYABLE)  # as order_owed_to_customer's condition says it
            marks = ", ".join(["%s"] * len(unpayable))
            parts.append(Sql(f"o.payment_status = 'overpaid' AND o.status NOT IN ({marks})", tuple(unpayable)))
        return reduce(operator.and_, parts) if parts else None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _db_time(moment: datetime):
    """``moment`` as the database compares it in raw SQL (SQLite: naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(moment)


# What a row of the order list shows: of an order's 37 columns (its addresses as JSON among them), these.
LIST_FIELDS = ("number", "created_at", "customer_name", "customer__company", "channel", "status", "confirmation_state",
               "total", "amount_paid", "amount_credited", "amount_refunded")


def order_search_page(query: str, *, filters: OrderFilters | None = None, after: str | None = None,
                      before: str | None = None, per_page: int = 25) -> Page:
    """A page of the order list, by order number or by the customer's name, company, email or phone:

    - no term: every order, newest first;
    - a number (1234 or #1234): that order;
    - otherwise the orders of the customers the customer list's search finds, grouped by customer in that
      search's order (customers.selectors.customer_search_ranges), each customer's newest first.

    ``filters`` narrow each of these. Each page reads its own rows along the indexes (the primary key or a
    filter's (column, number) index, or the customer search's indexes and then each customer's orders by
    customer_id), however many orders match or how deep the page is.
    """
    query, filters = _normalized(query), filters or OrderFilters()
    orders = Order.objects.select_related("customer").only(*LIST_FIELDS)
    return seek_page(_order_branches(query, filters), orders, scope=f"orders:{query}:{filters.key()}", after=after,
                     before=before, per_page=per_page)


def order_export_pages(query: str, *, filters: OrderFilters, per_page: int = 1000):
    """The orders the list shows for ``query`` and ``filters``, in its order, a page at a time (a list of orders
    with their customer and who took them): memory holds one page, however many orders match."""
    query = _normalized(query)
    branches = _order_branches(query, filters)
    orders = (Order.objects.select_related("customer", "placed_by").only(*EXPORT_FIELDS)
              .annotate(quantity_backordered=_backordered_quantity()))
    after = None
    while True:
        page = seek_page(branches, orders, scope=f"export:{query}:{filters.key()}", after=after, per_page=per_page)
        if after and not page.has_previous:  # the cursor led nowhere (seek_page went back to the start): done
            return
        yield page.object_list
        if not page.has_next:
            return
        after = page.next_cursor


EXPORT_FIELDS = ("number", "created_at", "customer_name", "customer_email", "customer__company", "channel", "status",
                 "placed_by__username", "shipping_method", "payment_method", "subtotal", "shipping", "tax", "total",
                 "confirmation_state", "amount_credited", "amount_refunded", "hold_reason")


def _backordered_quantity():
    """An order's units waiting for stock: its lines' quantity_backordered, summed in the page's own query (a
    correlated subquery along the lines' order index), so each page of the export stays one query."""
    lines = (OrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order")
             .annotate(waiting=Sum("quantity_backordered")).values("waiting"))
    return Coalesce(Subquery(lines), 0)


def order_search_numbers(query: str, *, limit: int) -> list[int]:
    """The numbers of the first ``limit`` orders the order list's search finds, in its order (for the admin)."""
    query = _normalized(query)
    return seek_ids(_order_branches(query, OrderFilters()), limit=limit) if query else []


def _normalized(query: str) -> str:
    return " ".join(query.split()).lstrip("#").lstrip()


def _order_branches(query: str, filters: OrderFilters) -> list[Branch]:
    newest_first = Key("o.number", int, descending=True)
    condition = filters.condition()

    def where(*parts: Sql | None) -> Sql | None:
        present = [part for part in (*parts, condition) if part is not None]
        return reduce(operator.and_, present) if present else None

    if not query:
        return [Branch("orders_order o", where(), (newest_first,), row_id="o.number")]
    if ORDER_NUMBER.fullmatch(query):
        number = int(query) if len(query) < 19 else 0  # no order number has 19 digits
        return [Branch("orders_order o", where(Sql("o.number = %s", (number,))), (newest_first,), row_id="o.number")]
    # The customer search's ranges, each customer's orders after them: customers in that order, newest first.
    return [Branch(CUSTOMER_ORDERS, where(part), (*order, newest_first), row_id="o.number")
            for part, order in customer_search_ranges(query, "c")]


class TimelineEntry(TypedDict):
    message: str
    actor_name: str
    created_at: datetime
    quote: int | None  # the quote an order was converted from (its placed event links to it)


TIMELINE_PAGE = 50  # events on the order page; earlier ones a link away, so a long history never slows the page


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    earlier: int | None  # the oldest event shown, when there are earlier ones: ?before=<it> shows them
    newest: bool  # the page starts at the newest event


def order_timeline(order: Order) -> list[TimelineEntry]:
    """The order's events newest first, ready to show (one query, only the columns shown): each sentence drawn
    from its kind and data (orders.events)."""
    return [entry for _, entry in _timeline_rows(OrderEvent.objects.filter(order=order))]


def order_timeline_page(order: Order, *, before: int | None = None, size: int = TIMELINE_PAGE) -> TimelinePage:
    """``size`` of the order's events newest first, from the one before event ``before`` (one of this order's;
    any other id gives the newest), along the index order_event_newest."""
    events = OrderEvent.objects.filter(order=order)
    since = events.filter(pk=before).values_list("created_at", flat=True).first() if before else None
    if since is not None:
        events = events.filter(Q(created_at__lt=since) | Q(created_at=since, pk__lt=before))
    rows = _timeline_rows(events, limit=size + 1)
    return TimelinePage(entries=[entry for _, entry in rows[:size]],
                        earlier=rows[size - 1][0] if len(rows) > size else None, newest=since is None)


def _timeline_rows(events, *, limit: int | None = None) -> list[tuple[int, TimelineEntry]]:
    rows = (events.order_by("-created_at", "-pk")
            .values_list("pk", "kind", "data", "message", f"actor__{get_user_model().USERNAME_FIELD}", "created_at"))
    return [(pk, TimelineEntry(message=sentence(kind, data, message),
                               actor_name="system" if username is None else username, created_at=created_at,
                               quote=data.get("quote") if kind == OrderEvent.Kind.PLACED else None))
            for pk, kind, data, message, username, created_at in (rows[:limit] if limit else rows)]
