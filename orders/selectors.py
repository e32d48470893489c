from decimal import Decimal

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from catalog.models import Product
from customers.models import Customer
from customers.selectors import customer_identify_search, customer_search
from oms.core.paging import ranked

from .cart import Cart
from .models import Order, ShippingMethod, TaxRate
from .review import CartReview, ReviewLine


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
    """Identify's results with each customer's last order date, in one query: the date is
    a subquery over order_customer_newest, evaluated for the 25 shown rows only."""
    last_order = (
        Order.objects.filter(customer=OuterRef("pk")).order_by().values("customer")
        .annotate(last=Max("created_at")).values("last")
    )
    customers = customer_identify_search(last_name=last_name, company=company, email=email)
    return list(customers.annotate(last_order_at=Subquery(last_order))[:limit])


def order_search(query: str) -> QuerySet[Order]:
    """The order list: by order number, or by the customer's name, company, email or phone.

    Pages are ranked on the primary key alone, so a deep page skips rows in the index and
    joins the customers of its own 25 orders only.
    """
    query = " ".join(query.split()).lstrip("#")
    condition = Q()
    if query.isdigit():
        if len(query) >= 19:
            return Order.objects.none()
        condition = Q(number=int(query))
    elif query:
        condition = Q(customer__in=customer_search(query).values("pk"))
    orders = Order.objects.select_related("customer").filter(condition)
    return ranked(orders, Order.objects.filter(condition).values_list("pk"), ["-pk"], fence=False)
