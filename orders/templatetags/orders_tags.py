"""What the orders app puts on other apps' pages: the customer record's `Place Order` and order history.

The customers app knows nothing of orders; its template asks for these by tag."""

from django import template

from ..models import Order

register = template.Library()

HISTORY_LIMIT = 50


@register.inclusion_tag("orders/_place_order.html", takes_context=True)
def place_order_button(context, customer):
    return {"customer": customer, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("orders/_customer_orders.html", takes_context=True)
def customer_order_history(context, customer):
    """The customer's newest orders (one query over order_customer_newest), each with `Reorder` for staff
    who may place orders."""
    perms = context.get("perms")
    orders = list(
        Order.objects.filter(customer=customer).only("number", "customer", "created_at", "status", "total")
        [:HISTORY_LIMIT]
    )
    return {"customer": customer, "orders": orders, "more": len(orders) == HISTORY_LIMIT,
            "can_reorder": bool(perms and perms["orders"]["place_order"]), "csrf_token": context.get("csrf_token")}
