"""Order money in one place: Decimal throughout, rounded half-up to cents once, here.

Tax is charged on the merchandise subtotal; shipping is not taxed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return to_cents(unit_price * quantity)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal


def order_totals(
    *, line_totals: Iterable[Decimal], shipping: Decimal, tax_rate: Decimal
) -> Totals:
    subtotal = to_cents(sum(line_totals, Decimal("0")))
    shipping = to_cents(shipping)
    tax = to_cents(subtotal * tax_rate / 100)
    return Totals(
        subtotal=subtotal, shipping=shipping, tax_rate=tax_rate, tax=tax, total=subtotal + shipping + tax
    )
