"""What the orders app shows on a customer's record (customers.record): `Place Order`, their credit (`Credit
limit`, `Available credit`), the order history with `Reorder`, their quotes, their returns and store credit, and,
for those allowed, `Return items`, `Export data` and `Erase customer`."""

from customers.record import record_section
from orders.models import Order
from orders.payments.selectors import credit_exposure, store_credit_balance
from orders.quotes.models import Quote
from orders.returns.selectors import customer_returnable_orders, customer_returns

HISTORY_LIMIT = 50
QUOTES_LIMIT = 10


@record_section(place="actions", template="orders/privacy/_customer_data.html")
def data_controls(request, customer) -> dict | None:
    user = request.user
    if not (user.has_perm("customers.export_customer_data") or user.has_perm("customers.erase_customer")):
        return None
    return {"customer": customer}


@record_section(place="actions", template="orders/_place_order.html")
def place_order(request, customer) -> dict | None:
    return {"customer": customer} if request.user.has_perm("orders.place_order") else None


@record_section(place="main", template="orders/payments/_customer_credit.html")
def credit(request, customer) -> dict | None:
    """`Credit limit` and `Available credit`: what the customer owes on account or by purchase order (one query)."""
    if not request.user.has_perm("orders.view_order"):
        return None
    return {"customer": customer, "credit": credit_exposure(customer)}


@record_section(place="main", template="orders/_customer_orders.html")
def order_history(request, customer) -> dict:
    """The customer's newest orders (one query over order_customer_newest), each with `Reorder` for staff
    who may place orders."""
    orders = list(Order.objects.filter(customer=customer).only("number", "customer", "created_at", "status", "total")
                  [:HISTORY_LIMIT])
    return {"customer": customer, "orders": orders, "more": len(orders) == HISTORY_LIMIT,
            "can_reorder": request.user.has_perm("orders.place_order")}


@record_section(place="main", template="orders/quotes/_customer_quotes.html")
def quotes(request, customer) -> dict | None:
    """The customer's newest quotes (one query over quote_customer_newest), when they have any."""
    if not request.user.has_perm("orders.view_quote"):
        return None
    found = list(Quote.objects.filter(customer=customer).only(
        "number", "customer", "created_at", "status", "valid_until", "total", "order")[:QUOTES_LIMIT])
    return {"customer": customer, "quotes": found, "more": len(found) == QUOTES_LIMIT} if found else None


@record_section(place="actions", template="orders/returns/_customer_return_items.html")
def return_items(request, customer) -> dict | None:
    """`Return items` over the customer's orders, when something shipped to them may still come back."""
    if not request.user.has_perm("orders.create_return") or not customer_returnable_orders(customer, limit=1):
        return None
    return {"customer": customer}


@record_section(place="main", template="orders/returns/_customer_returns.html")
def returns_and_credit(request, customer) -> dict | None:
    """The customer's latest returns and their store credit balance."""
    if not request.user.has_perm("orders.view_order"):
        return None
    return {"customer": customer, "returns": customer_returns(customer),
            "store_credit": store_credit_balance(customer.pk)}
