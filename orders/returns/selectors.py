"""Reading returns: a customer's returns and the lines that may still come back."""

from django.db.models import F

from customers.models import Customer
from orders.models import OrderLine
from orders.returns.models import Return


def customer_returns(customer: Customer, limit: int = 20) -> list[Return]:
    """The customer's latest returns, newest first (the customer record's list; index return_customer_newest)."""
    return list(Return.objects.filter(customer=customer).order_by("-number")[:limit])


def returnable_lines(orders) -> list[OrderLine]:
    """The shipped lines of ``orders`` with something left that may come back, by order then line."""
    return list(OrderLine.objects.filter(order__in=orders, quantity_shipped__gt=F("quantity_returned"))
                .select_related("order").order_by("order_id", "pk"))
