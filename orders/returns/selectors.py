"""Reading returns: a customer's returns and the lines that may still come back."""

from django.db.models import Exists, F, OuterRef

from customers.models import Customer
from orders import lifecycle
from orders.models import Order, OrderLine
from orders.returns.models import Return


def customer_returns(customer: Customer, limit: int = 20) -> list[Return]:
    """The customer's latest returns, newest first (the customer record's list; index return_customer_newest)."""
    return list(Return.objects.filter(customer=customer).select_related("reason").order_by("-number")[:limit])


def returnable_lines(orders) -> list[OrderLine]:
    """The shipped lines of ``orders`` with something left that may come back, by order then line."""
    return list(OrderLine.objects.filter(order__in=orders, quantity_shipped__gt=F("quantity_returned"))
                .select_related("order").order_by("order_id", "pk"))


RECENT_ORDERS = 20  # the customer record's Return items offers the lines of this many latest orders


def customer_returnable_orders(customer: Customer, limit: int = RECENT_ORDERS) -> list[int]:
    """The numbers of the customer's latest ``limit`` orders with shipped goods left that may come back, newest
    first (along order_customer_newest)."""
    left = OrderLine.objects.filter(order=OuterRef("pk"), quantity_shipped__gt=F("quantity_returned"))
    return list(Order.objects.filter(customer=customer, status__in=lifecycle.ordered(lifecycle.RETURNABLE))
                .filter(Exists(left)).order_by("-number").values_list("pk", flat=True)[:limit])
