"""What the orders app shows on a customer's record (customers.record): `Place Order`, the order history
with `Reorder`, and, for those allowed, `Export data` and `Erase customer`."""

from customers.record import record_section
from orders.models import Order

HISTORY_LIMIT = 50


@record_section(place="actions", template="orders/privacy/_customer_data.html")
def data_controls(request, customer) -> dict | None:
    user = request.user
    if not (user.has_perm("customers.export_customer_data") or user.has_perm("customers.erase_customer")):
        return None
    return {"customer": customer}


@record_section(place="actions", template="orders/_place_order.html")
def place_order(request, customer) -> dict | None:
    return {"customer": customer} if request.user.has_perm("orders.place_order") else None


@record_section(place="main", template="orders/_customer_orders.html")
def order_history(request, customer) -> dict:
    """The customer's newest orders (one query over order_customer_newest), each with `Reorder` for staff
    who may place orders."""
    orders = list(Order.objects.filter(customer=customer).only("number", "customer", "created_at", "status", "total")
                  [:HISTORY_LIMIT])
    return {"customer": customer, "orders": orders, "more": len(orders) == HISTORY_LIMIT,
            "can_reorder": request.user.has_perm("orders.place_order")}
