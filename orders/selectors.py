import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from catalog.models import Product
from customers.models import Customer
from customers.selectors import customer_identify_search, customer_search
from oms.core.paging import ranked

from .cart import Cart
from .models import Order, ShippingMethod, TaxRate
from .pricing import Totals, line_total, order_totals


@dataclass
class ReviewLine:
    product_id: int
    quantity: int
    product: Product | None
    price_seen: str

    @property
    def sku(self) -> str:
        return self.product.sku if self.product else f"(product {self.product_id})"

    @property
    def name(self) -> str:
        return self.product.name if self.product else "This product no longer exists"

    @property
    def unit_price(self) -> Decimal:
        return self.product.price if self.product else Decimal("0")

    @property
    def line_total(self) -> Decimal:
        return line_total(self.unit_price, self.quantity)

    @property
    def price_changed(self) -> bool:
        return bool(self.product and self.price_seen and Decimal(self.price_seen) != self.product.price)

    @property
    def problem(self) -> str:
        """Why this line cannot be ordered as it stands, in words for staff; empty when it can."""
        if self.product is None or not self.product.is_active:
            return "No longer sold: remove this line."
        if not self.product.available(self.quantity):
            return f"Only {self.product.stock:,} in stock."
        return ""


@dataclass
class CartReview:
    cart: Cart
    customer: Customer | None
    lines: list[ReviewLine] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f"{line.sku}: {line.problem}" for line in self.lines if line.problem]

    @property
    def price_changes(self) -> list[ReviewLine]:
        return [line for line in self.lines if line.price_changed]

    def totals(self, *, shipping: Decimal = Decimal("0"), tax_rate: Decimal = Decimal("0")) -> Totals:
        return order_totals(
            line_totals=(line.line_total for line in self.lines), shipping=shipping, tax_rate=tax_rate
        )

    @property
    def fingerprint(self) -> str:
        """What staff reviewed: customer, lines and prices. Submitting a stale review is refused."""
        parts = [str(self.cart.customer_id)] + [
            f"{line.product_id}:{line.quantity}:{line.unit_price}" for line in self.lines
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


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
