import operator
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from catalog.models import Product
from customers.models import Customer, TypePrice
from customers.selectors import customer_identify_range, customer_search_ranges
from oms.core.paging import Page
from oms.core.seek import Branch, Key, Sql, first_rows, seek_ids, seek_page

from . import lifecycle
from .events import sentence
from .lines import Cart, OrderEdit
from .models import Order, OrderEvent, OrderLine, PriceReason, ShippingMethod, TaxRate
from .pricing import Discount, TaxRule, catalog_line, kept_line, price_line
from .review import CustomReviewLine, EditLine, LinesReview, ReviewLine, line_problem

ORDER_NUMBER = re.compile(r"[0-9]+", re.ASCII)
CUSTOMER_ORDERS = "customers_customer c JOIN orders_order o ON o.customer_id = c.id"


def cart_customer(cart: Cart) -> Customer | None:
    """The attached customer with their type and default addresses (one query), or None when there is
    none or they were deleted (the cart still names them: the panel says so)."""
    if not cart.customer_id:
        return None
    return (
        Customer.objects.select_related("customer_type", "default_billing_address", "default_shipping_address")
        .filter(pk=cart.customer_id)
        .first()
    )


def products_priced_for(customer_type_id: int | None, ids, *, locked: bool = False):
    """Products by id, each with ``level_price``: its price in the customer type's table, or None (one query).
    ``locked``: the products themselves, locked FOR UPDATE in primary-key order (order_place)."""
    products = Product.objects.select_for_update().order_by("pk") if locked else Product.objects.all()
    if customer_type_id:
        products = products.annotate(level_price=_level_price(customer_type_id))
    return products.filter(pk__in=ids) if locked else products.in_bulk(ids)


def _level_price(customer_type_id: int) -> Subquery:
    """The product's price in the type's table (one row at most: a product has one price per type)."""
    return Subquery(TypePrice.objects.filter(customer_type=customer_type_id, product=OuterRef("pk"))
                    .values("price")[:1])


def cart_review(cart: Cart) -> LinesReview:
    """A new order's lines read fresh: the cart's customer (with their type) and products (with the type's prices):
    two queries, however many lines."""
    cart_lines = cart.lines
    customer = cart_customer(cart)
    kind = customer.customer_type if customer else None
    products = products_priced_for(kind and kind.pk, [line.product_id for line in cart_lines])
    overrides = cart.overrides
    return LinesReview(
        store=cart,
        customer=customer,
        lines=[
            ReviewLine(line.product_id, line.quantity, products.get(line.product_id), line.price_seen,
                       level_price=getattr(products.get(line.product_id), "level_price", None), customer_type=kind,
                       override=overrides.get(line.product_id))
            for line in cart_lines
        ],
        custom_lines=[CustomReviewLine(custom) for custom in cart.custom_lines],
    )


def shipping_methods() -> list[ShippingMethod]:
    return list(ShippingMethod.objects.filter(is_active=True))


def tax_for(address: dict | None, customer: Customer | None = None) -> TaxRule:
    """The tax for a shipping address: the most specific active rate (country and region, then country, then the
    default row; the newest among equals), in one query; and the customer's exemption, read from the customer
    (and type) already loaded."""
    address = address or {}
    country, region = str(address.get("country") or "").upper(), str(address.get("region") or "").strip().upper()
    # The default rows and the country's (a few dozen at most): one plain filter, the region matched here.
    rates = (TaxRate.objects.filter(country__in={"", country}, is_active=True).order_by()
             .values_list("country", "region", "pk", "rate", "name", "tax_shipping"))
    matching = [rate for rate in rates if not rate[1] or (rate[0] and rate[1].upper() == region)]
    # The newest among equals: rates are numbered as they are created.
    best = max(matching, key=lambda rate: (TaxRate.specificity_of(rate[0], rate[1]), rate[2]), default=None)
    exempt = bool(customer and customer.is_tax_exempt)
    return TaxRule(rate=best[3] if best else Decimal("0"), jurisdiction=best[4] if best else "",
                   tax_shipping=bool(best and best[5]), exempt=exempt,
                   exemption_number=customer.tax_exemption_number if exempt else "")


def price_reasons() -> list[str]:
    return list(PriceReason.objects.filter(is_active=True).values_list("text", flat=True))


def identify_search(*, last_name: str, company: str, email: str, limit: int = 25) -> list[Customer]:
    """Identify's first ``limit`` customers (ordered as customer_identify_range says), each with their billing
    address and the date of their last order, in one query: the customers along the first filled field's index,
    in its order up to the LIMIT, and the dates read from the orders by customer index for those only."""
    found = customer_identify_range(last_name=last_name, company=company, email=email,
                                    alias=Customer._meta.db_table)
    if found is None:
        return []
    where, order = found
    last_order = Order.objects.filter(customer=OuterRef("pk")).order_by("-number").values("created_at")[:1]
    customers = (Customer.objects.select_related("default_billing_address", "customer_type")
                 .annotate(last_order_at=Subquery(last_order)))
    return first_rows(customers, where, order, limit=limit)


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

    def key(self) -> str:
        return (f"{self.status}|{self.channel}|{self.taken_by or ''}|{self.date_from or ''}|{self.date_to or ''}"
                f"|{'overdue' if self.overdue else ''}")

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
        return reduce(operator.and_, parts) if parts else None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _db_time(moment: datetime):
    """``moment`` as the database compares it in raw SQL (SQLite: naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(moment)


# What a row of the order list shows: of an order's 37 columns (its addresses as JSON among them), these.
LIST_FIELDS = ("number", "created_at", "customer_name", "customer__company", "channel", "status", "confirmation_state",
               "total")


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
    orders = Order.objects.select_related("customer", "placed_by").only(*EXPORT_FIELDS)
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
                 "confirmation_state")


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


@dataclass(frozen=True)
class ReorderLine:
    product: Product
    quantity: int
    problem: str  # why it cannot be added (orders.review.line_problem), empty when it can


def reorder_lines(order: Order) -> list[ReorderLine]:
    """The order's lines against today's catalogue (two queries): each product as it is now, and why a line
    can no longer be sold as ordered."""
    lines = list(order.lines.filter(product__isnull=False).only("product_id", "quantity"))  # custom items aside
    products = Product.objects.in_bulk([line.product_id for line in lines])
    return [ReorderLine(product, line.quantity, line_problem(product, line.quantity))
            for line in lines if (product := products[line.product_id])]


@dataclass(frozen=True)
class LastOrdered:
    product: Product
    quantity: int
    ordered_at: object  # the datetime of the newest order that had it


LAST_ORDERED_BATCH = 200


def last_ordered(customer_id: int, *, limit: int = 10, batches: int = 5) -> list[LastOrdered]:
    """The customer's most recently ordered distinct products that are still sold, newest first, up to ``limit``.

    Reads their lines newest order first along order_customer_newest and the lines' (order, product) index,
    a batch of lines at a time until ``limit`` products are found (at most ``batches`` batches), so a
    customer with thousands of orders costs what one with ten does."""
    seen: dict[int, tuple[int, object]] = {}
    lines = (OrderLine.objects.filter(order__customer_id=customer_id).order_by("-order_id")
             .values_list("order_id", "product_id", "quantity", "order__created_at"))
    below = None
    for _ in range(batches):
        batch = list((lines if below is None else lines.filter(order_id__lt=below))[:LAST_ORDERED_BATCH])
        if not batch:
            break
        end, full = batch[-1][0], len(batch) == LAST_ORDERED_BATCH
        below = end
        if full and batch[0][0] != end:  # the batch may end mid-order: that order goes to the next batch
            batch, below = [row for row in batch if row[0] != end], end + 1
        for _number, product_id, quantity, created_at in batch:
            if product_id is not None:  # custom items are no product
                seen.setdefault(product_id, (quantity, created_at))
        if not full or len(seen) >= 2 * limit:
            break
    products = Product.objects.in_bulk(list(seen))
    found = [LastOrdered(products[pk], *seen[pk]) for pk in seen if pk in products and products[pk].is_active]
    return found[:limit]


def edit_review(order: Order, edit: OrderEdit) -> LinesReview:
    """A placed order's lines as the edit would leave them (two queries, the order and its customer already
    loaded): ordered lines keep their price unless staff set one, new ones take the customer's price today; added
    units are checked against stock as order_edit_save will check them; custom items as the edit holds them; the
    order's own shipping and tax; the discount as set in the edit, else the order's."""
    quantities, overrides = edit.quantities, edit.overrides
    all_lines = list(order.lines.all())
    old = {line.product_id: line for line in all_lines if line.product_id is not None}
    kind = order.customer.customer_type
    # the products whose quantity goes up (new lines among them), each with its price in the type's table
    products = products_priced_for(kind.pk, [pk for pk, quantity in quantities.items()
                                             if quantity > (old[pk].quantity if pk in old else 0)])
    lines = [_edit_line(pk, quantity, old.get(pk), products.get(pk), kind,
                        getattr(products.get(pk), "level_price", None), overrides.get(pk))
             for pk, quantity in quantities.items()]
    custom = [CustomReviewLine(line) for line in edit.custom_lines]
    tax = TaxRule(rate=order.tax_rate, jurisdiction=order.tax_jurisdiction, tax_shipping=order.tax_shipping,
                  exempt=order.tax_exempt, exemption_number=order.tax_exemption_number)
    kept = Discount.parse(order.discount_entered, order.discount_reason) if order.discount_entered else None
    return LinesReview(store=edit, customer=order.customer, lines=lines, custom_lines=custom,
                       removed=[line for pk, line in old.items() if pk not in quantities], shipping=order.shipping,
                       tax=tax, kept_discount=kept)


def _edit_line(pk, quantity, ordered, product, kind, level_price, override) -> EditLine:
    before = ordered.quantity if ordered else 0
    source = ordered or product
    price, reason = (Decimal(override.price), override.reason) if override else (None, "")
    if ordered:
        line = kept_line(list_price=ordered.list_price_shown, unit_price=ordered.unit_price, quantity=quantity,
                         override=price, override_reason=reason)
    else:
        line = catalog_line(list_price=product.price if product else Decimal("0"), quantity=quantity, kind=kind,
                            level_price=level_price, override=price, override_reason=reason)
    priced = price_line(line)
    reason = priced.reason if (override or not ordered) else ordered.price_reason
    return EditLine(pk, source.sku if source else f"(product {pk})",
                    source.name if source else "This product no longer exists", priced.unit_price, quantity, before,
                    line_problem(product, quantity - before) if quantity > before else "",
                    priced=priced, reason=reason)


class TimelineEntry(TypedDict):
    message: str
    actor_name: str
    created_at: datetime


def order_timeline(order: Order) -> list[TimelineEntry]:
    """The order's events newest first, ready to show (one query, only the columns shown): each sentence drawn
    from its kind and data (orders.events)."""
    rows = (OrderEvent.objects.filter(order=order).order_by("-created_at", "-pk")
            .values_list("kind", "data", "message", f"actor__{get_user_model().USERNAME_FIELD}", "created_at"))
    return [TimelineEntry(message=sentence(kind, data, message), actor_name="system" if username is None else username,
                          created_at=created_at) for kind, data, message, username, created_at in rows]
