import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, QuerySet

from catalog.models import Product
from customers.models import Customer
from customers.selectors import customer_identify_search, customer_search

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
    customer_missing: bool
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


def cart_review(cart: Cart) -> CartReview:
    """Read the cart's products and customer fresh: two queries, however many lines."""
    cart_lines = cart.lines
    products = Product.objects.in_bulk([line.product_id for line in cart_lines])
    customer = None
    if cart.customer_id:
        customer = (
            Customer.objects.select_related("default_billing_address", "default_shipping_address")
            .filter(pk=cart.customer_id)
            .first()
        )
    return CartReview(
        cart=cart,
        customer=customer,
        customer_missing=bool(cart.customer_id) and customer is None,
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
    """Identify's results with each customer's last order date (one extra query for the page)."""
    customers = list(
        customer_identify_search(last_name=last_name, company=company, email=email)[:limit]
    )
    last_orders = dict(
        Order.objects.filter(customer_id__in=[customer.pk for customer in customers])
        .values("customer_id")
        .annotate(last=Max("created_at"))
        .values_list("customer_id", "last")
    )
    for customer in customers:
        customer.last_order_at = last_orders.get(customer.pk)
    return customers


def order_search(query: str) -> QuerySet[Order]:
    """The order list: by order number, or by the customer's name, company, email or phone."""
    orders = Order.objects.select_related("customer")
    query = " ".join(query.split()).lstrip("#")
    if not query:
        return orders
    if query.isdigit():
        return orders.filter(number=int(query)) if len(query) < 19 else orders.none()
    return orders.filter(customer__in=customer_search(query).values("pk"))
