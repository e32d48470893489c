import re
from dataclasses import replace
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery

from catalog.models import Product
from customers.models import Customer
from customers.selectors import customer_identify_branch, customer_search_branches
from oms.core.paging import Page
from oms.core.seek import Branch, seek_page

from .cart import Cart
from .models import Order, ShippingMethod, TaxRate
from .review import CartReview, ReviewLine

ORDER_NUMBER = re.compile(r"[0-9]+", re.ASCII)


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
    """Identify's first ``limit`` customers (ordered as customer_identify_branch says), each with their billing
    address and the date of their last order, in one query: the date is read from order_customer_newest
    for the rows shown only."""
    last_order = Order.objects.filter(customer=OuterRef("pk")).order_by("-number").values("created_at")[:1]
    customers = Customer.objects.select_related("default_billing_address").annotate(last_order_at=Subquery(last_order))
    branch = customer_identify_branch(last_name=last_name, company=company, email=email, customers=customers)
    if branch is None:
        return []
    return seek_page([branch], scope="identify", per_page=limit).object_list


def order_search_page(query: str, *, after: str | None = None, before: str | None = None,
                      per_page: int = 25) -> Page:
    """A page of the order list, by order number or by the customer's name, company, email or phone:

    - no term: every order, newest first;
    - a number (1234 or #1234): that order;
    - otherwise the orders of the customers the customer list's search finds, grouped by customer in that
      search's order (customers.selectors.customer_search_branches), each customer's newest first.

    Each page reads its own rows along the indexes (the primary key, or the customer search's indexes
    and then each customer's orders by customer_id), however many orders match or how deep the page is.
    """
    query = " ".join(query.split()).lstrip("#").lstrip()
    scope = f"orders:{query}"
    if not query or ORDER_NUMBER.fullmatch(query):
        orders = Order.objects.select_related("customer")
        if query:
            orders = orders.filter(number=int(query)) if len(query) < 19 else orders.none()
        return seek_page([Branch(orders, ("-number",))], scope=scope, after=after, before=before, per_page=per_page)
    page = seek_page(_customer_order_branches(query), scope=scope, after=after, before=before, per_page=per_page)
    orders = Order.objects.select_related("customer").in_bulk([row.order_number for row in page])
    return replace(page, object_list=[orders[row.order_number] for row in page if row.order_number in orders])


def order_search_numbers(query: str, *, limit: int) -> list[int]:
    """The numbers of the first ``limit`` orders the order list's search finds, in its order (for the admin)."""
    query = " ".join(query.split()).lstrip("#").lstrip()
    if not query:
        return []
    if ORDER_NUMBER.fullmatch(query):
        return [order.number for order in order_search_page(query, per_page=limit)]
    return [row.order_number for row in seek_page(_customer_order_branches(query), scope="ids", per_page=limit)]


def _customer_order_branches(query: str) -> list[Branch]:
    """The customer search's branches, each joined to its customers' orders (newest first within a
    customer): the rows are customers, one per order, with its ``order_number``."""
    customers = Customer.objects.only("pk").annotate(order_number=F("orders__number"))
    customers = customers.filter(order_number__isnull=False)
    return [Branch(branch.queryset, (*branch.keys, "-order_number"), where=branch.where)
            for branch in customer_search_branches(query, customers)]
