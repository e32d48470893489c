"""What staff review before placing an order: the cart's lines read fresh against the catalogue,
the problems that stop it, and a fingerprint of what was seen."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from catalog.models import Product
from customers.models import Customer

from .cart import Cart
from .pricing import Totals, line_total, order_totals


def line_problem(product: Product | None, quantity: int) -> str:
    """Why ``quantity`` of ``product`` cannot be ordered, in words for staff; empty when it can.

    The cart, checkout and order_place all say it this way."""
    if product is None or not product.is_active:
        return "No longer sold."
    if not product.available(quantity):
        return f"{quantity:,} ordered, only {product.stock:,} in stock."
    return ""


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
        return line_problem(self.product, self.quantity)


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


@dataclass
class EditLine:
    """A line of an order being edited: as ordered (its snapshot price) or new (today's price)."""

    product_id: int
    sku: str
    name: str
    unit_price: Decimal
    quantity: int
    before: int  # the quantity on the order; 0 for a new line
    problem: str = ""  # why the added units cannot be ordered

    @property
    def line_total(self) -> Decimal:
        return line_total(self.unit_price, self.quantity)

    @property
    def change(self) -> str:
        if not self.before:
            return "New"
        return f"Was {self.before:,}" if self.before != self.quantity else ""


@dataclass
class EditReview:
    lines: list[EditLine]
    removed: list  # the order's lines left out (OrderLine)
    totals: Totals
