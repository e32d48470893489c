import re
from dataclasses import replace
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from catalog.models import Product
from customers.models import Customer
from customers.selectors import customer_identify_range, customer_search_ranges
from oms.core.paging import Page
from oms.core.seek import Branch, Key, Sql, seek_ids, seek_page

from .cart import Cart
from .models import Order, ShippingMethod, TaxRate
from .review import CartReview, ReviewLine

ORDER_NUMBER = re.compile(r"[0-9]+", re.ASCII)
CUSTOMER_ORDERS = "customers_customer c JOIN orders_order o ON o.customer_id = c.id"


def cart_customer(cart: Cart) -> Customer | None:
    """The attached customer with their default addresses (one query), or None when there is
    none or they were deleted (the cart still names them: the panel says so)."""
    if not cart.customer_id:
        return None
    return (
        Customer.objects.select_related("default_billing_address", "default_shipping_address")
        .filter(pk=cart.customer_id)
        .first()
    )


def cart_review(cart: Cart) -> CartReview:
    """Read the cart's products and customer fresh: two queries, however many lines."""
    cart_lines = cart.lines
    products = Product.objects.in_bulk([line.product_id for line in cart_lines])
    return CartReview(
        cart=cart,
        customer=cart_customer(cart),
        lines=[
            ReviewLine(line.product_id, line.quantity, products.get(line.product_id), line.price_seen)
            for line in cart_lines
        ],
    )


def shipping_methods() -> list[ShippingMethod]:
    return list(ShippingMethod.objects.filter(is_active=True))


def tax_rate() -> Decimal:
    return TaxRate.current()


def identify_search(*, last_name: str, company: str, email: str, limit: int = 25) -> list[Customer]:
    """Identify's first ``limit`` customers (ordered as customer_identify_range says), each with their billing
    address and the date of their last order: two queries, the customers' ids along the index, then their
    rows with the dates (read from the orders by customer index for these customers only)."""
    found = customer_identify_range(last_name=last_name, company=company, email=email)
    if found is None:
        return []
    last_order = Order.objects.filter(customer=OuterRef("pk")).order_by("-number").values("created_at")[:1]
    customers = Customer.objects.select_related("default_billing_address").annotate(last_order_at=Subquery(last_order))
    where, order = found
    branch = Branch("customers_customer c", where, order, row_id="c.id")
    return seek_page([branch], customers, scope="identify", per_page=limit).object_list


def order_search_page(query: str, *, after: str | None = None, before: str | None = None,
                      per_page: int = 25, overdue: bool = False) -> Page:
    """A page of the order list, by order number or by the customer's name, company, email or phone:

    - no term: every order, newest first;
    - a number (1234 or #1234): that order;
    - otherwise the orders of the customers the customer list's search finds, grouped by customer in that
      search's order (customers.selectors.customer_search_ranges), each customer's newest first;
    - ``overdue``: only those past their due date with a balance left (the order_balance_open index).

    Each page reads its own rows along the indexes (the primary key, or the customer search's indexes
    and then each customer's orders by customer_id), however many orders match or how deep the page is.
    """
    query = _normalized(query)
    orders = Order.objects.select_related("customer")
    branches = _order_branches(query)
    if overdue:
        branches = [replace(branch, where=_overdue() if branch.where is None else branch.where & _overdue())
                    for branch in branches]
    return seek_page(branches, orders, scope=f"orders:{query}:{'overdue' if overdue else ''}", after=after,
                     before=before, per_page=per_page)


def _overdue() -> Sql:
    return Sql("o.due_date < %s AND o.payment_status IN ('unpaid', 'partially_paid') AND o.status <> 'cancelled'",
               (timezone.localdate(),))


def order_search_numbers(query: str, *, limit: int) -> list[int]:
    """The numbers of the first ``limit`` orders the order list's search finds, in its order (for the admin)."""
    query = _normalized(query)
    return seek_ids(_order_branches(query), limit=limit) if query else []


def _normalized(query: str) -> str:
    return " ".join(query.split()).lstrip("#").lstrip()


def _order_branches(query: str) -> list[Branch]:
    newest_first = Key("o.number", int, descending=True)
    if not query:
        return [Branch("orders_order o", None, (newest_first,), row_id="o.number")]
    if ORDER_NUMBER.fullmatch(query):
        number = int(query) if len(query) < 19 else 0  # no order number has 19 digits
        return [Branch("orders_order o", Sql("o.number = %s", (number,)), (newest_first,), row_id="o.number")]
    # The customer search's ranges, each customer's orders after them: customers in that order, newest first.
    return [Branch(CUSTOMER_ORDERS, where, (*order, newest_first), row_id="o.number")
            for where, order in customer_search_ranges(query, "c")]
