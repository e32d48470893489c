"""What staff review while changing an order's lines (a new order or a placed one): the lines read fresh and
priced, the problems that stop them, and a fingerprint of what was seen."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from catalog.models import Product
from customers.models import Customer
from orders.models import backorder_note
from orders.ordering.stores import CustomLine, LineStore, PriceOverride, StoredDiscount
from orders.pricing.totals import (
    NO_TAX,
    Discount,
    LineInput,
    PricedLine,
    TaxRule,
    Totals,
    catalog_line,
    line_total,
    order_totals,
    price_line,
)


def line_problem(product: Product | None, quantity: int) -> str:
    """Why ``quantity`` of ``product`` cannot be ordered, in words for staff; empty when it can.

    The cart, checkout and order_place all say it this way."""
    if product is None or not product.is_active:
        return "No longer sold."
    if not product.available(quantity) and not product.allow_backorders:
        held = f" ({product.reserved:,} more reserved by quotes)" if product.reserved else ""
        return f"{quantity:,} ordered, only {product.free_stock:,} in stock{held}."
    return ""


def backorder_split(product: Product | None, quantity: int) -> tuple[int, int]:
    """``quantity`` of ``product`` as (allocated from stock, on backorder): only a product that tracks its stock
    and allows backorders has units on backorder; placing, editing and the review all split it here."""
    if product is None or not product.track_inventory or not product.allow_backorders:
        return quantity, 0
    allocated = max(0, min(product.free_stock, quantity))
    return allocated, quantity - allocated


def edited_backorder(ordered, product: Product | None, quantity: int) -> int:
    """Units left on backorder when an edit sets a line (``ordered``: the OrderLine, None for a new one) to
    ``quantity``: added units split as placing splits them (``product`` read under its lock when saving); fewer
    units come off the backorder first."""
    before = ordered.quantity if ordered else 0
    waiting = ordered.quantity_backordered if ordered else 0
    if quantity > before:
        return waiting + backorder_split(product, quantity - before)[1]
    return max(0, waiting - (before - quantity))


@dataclass
class ReviewLine:
    product_id: int
    quantity: int
    product: Product | None
    price_seen: str
    level_price: Decimal | None = None  # the product's price in the customer type's table
    customer_type: object = None  # customers.CustomerType of the attached customer
    override: PriceOverride | None = None

    @cached_property
    def priced(self) -> PricedLine:
        return price_line(catalog_line(
            list_price=self.product.price if self.product else Decimal("0"), quantity=self.quantity,
            kind=self.customer_type, level_price=self.level_price,
            override=Decimal(self.override.price) if self.override else None,
            override_reason=self.override.reason if self.override else ""))

    @property
    def list_price(self) -> Decimal:
        return self.priced.list_price

    list_price_shown = list_price

    @property
    def reason(self) -> str:
        return self.priced.reason

    @property
    def is_custom(self) -> bool:
        return False

    change = ""  # a new order's lines are all new: no "Was n" beside them (EditLine.change)

    @property
    def sku(self) -> str:
        return self.product.sku if self.product else f"(product {self.product_id})"

    @property
    def name(self) -> str:
        return self.product.name if self.product else "This product no longer exists"

    @property
    def unit_price(self) -> Decimal:
        return self.priced.unit_price

    @property
    def line_total(self) -> Decimal:
        return self.priced.line_total

    @property
    def price_changed(self) -> bool:
        return bool(self.product and self.price_seen and Decimal(self.price_seen) != self.product.price)

    @property
    def problem(self) -> str:
        return line_problem(self.product, self.quantity)

    @property
    def backorder(self) -> str:
        return "" if self.problem else backorder_note(*backorder_split(self.product, self.quantity))


@dataclass
class CustomReviewLine:
    """A custom item (freight, a setup fee): its own description and price, no product, no stock."""

    custom: CustomLine

    @cached_property
    def priced(self) -> PricedLine:
        return price_line(LineInput(list_price=Decimal(self.custom.unit_price), quantity=self.custom.quantity,
                                    taxable=self.custom.taxable))

    id = property(lambda self: self.custom.id)
    name = property(lambda self: self.custom.description)
    quantity = property(lambda self: self.custom.quantity)
    taxable = property(lambda self: self.custom.taxable)
    unit_price = property(lambda self: self.priced.unit_price)
    line_total = property(lambda self: self.priced.line_total)
    is_custom = True
    sku = ""
    problem = ""
    backorder = ""
    reason = ""


@dataclass
class LinesReview:
    """The lines of any store (orders.lines) as they would be ordered: read fresh, priced, with the problems that
    stop them. The cart, the order editor and checkout show it; the store's own selector builds it
    (orders.selectors.lines_review)."""

    store: LineStore
    customer: Customer | None
    lines: list = field(default_factory=list)  # ReviewLine (priced from the catalogue) or EditLine (as ordered)
    custom_lines: list[CustomReviewLine] = field(default_factory=list)
    removed: list = field(default_factory=list)  # a placed order's lines left out (OrderLine)
    shipping: Decimal = Decimal("0")  # a placed order's; a new order's comes at checkout
    tax: TaxRule = NO_TAX  # the tax for the shipping address shown (checkout sets it), or the placed order's
    kept_discount: Discount | None = None  # a placed order's own discount, when the store sets none

    @property
    def discount(self) -> Discount | None:
        """The discount as pricing reads it: the store's (a stored one that no longer parses is dropped), else the
        order's own."""
        stored: StoredDiscount | None = self.store.discount
        if stored is None:
            return self.kept_discount
        try:
            return Discount.parse(stored.text, stored.reason) if stored.text else None
        except ValueError:
            return None

    @property
    def priced_lines(self) -> list[PricedLine]:
        return [line.priced for line in self.lines] + [line.priced for line in self.custom_lines]

    @property
    def problems(self) -> list[str]:
        return [f"{line.sku}: {line.problem}" for line in self.lines if line.problem]

    @property
    def price_changes(self) -> list[ReviewLine]:
        return [line for line in self.lines if line.price_changed]

    def totals(self, *, shipping: Decimal | None = None, tax: TaxRule | None = None) -> Totals:
        return order_totals(lines=self.priced_lines, shipping=self.shipping if shipping is None else shipping,
                            tax=self.tax if tax is None else tax, discount=self.discount)

    @property
    def fingerprint(self) -> str:
        """What staff reviewed: customer and price level, lines, prices and their reasons, custom items, the
        discount and the tax for the address. Submitting a stale review is refused."""
        kind = self.customer.customer_type if self.customer else None
        discount = self.discount
        parts = [str(self.customer and self.customer.pk), f"{kind and kind.pk}:{kind and kind.percent_off}",
                 self.tax.key, f"{discount and discount.entered}:{discount and discount.reason}"]
        parts += [f"{line.product_id}:{line.quantity}:{line.unit_price}:{line.reason}" for line in self.lines]
        parts += [f"{c.id}:{c.quantity}:{c.unit_price}:{c.taxable}:{c.name}" for c in self.custom_lines]
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
    backorder: str = ""  # "25 in stock, 15 on backorder" when the edit leaves units waiting
    priced: PricedLine | None = None
    reason: str = ""  # why the price differs from list
    price_changed = False  # an ordered line keeps its price; a new one is priced when shown

    @property
    def line_total(self) -> Decimal:
        return line_total(self.unit_price, self.quantity)

    @property
    def list_price(self) -> Decimal:
        return self.priced.list_price if self.priced else self.unit_price

    list_price_shown = list_price

    @property
    def change(self) -> str:
        if not self.before:
            return "New"
        return f"Was {self.before:,}" if self.before != self.quantity else ""
