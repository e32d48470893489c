"""An order as staff decided it at checkout, before it is placed: what ``order_place`` takes.

The checkout form builds one; seeding and tests build them directly. Later kinds of line
(custom items, price overrides) and order-level choices extend these types, not an argument list.
"""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from orders.models import Order


@dataclass(frozen=True)
class DraftLine:
    product_id: int
    quantity: int
    unit_price: Decimal | None = None  # a price staff set (orders.change_price); None: the customer's price
    price_reason: str = ""
    price_by: int | None = None  # who set it


@dataclass(frozen=True)
class DraftCustomLine:
    """A line that is no product: freight, a setup fee, a special-order item. No stock is taken."""

    description: str
    unit_price: Decimal
    quantity: int
    taxable: bool = True


@dataclass(frozen=True)
class OrderDraft:
    token: uuid.UUID  # the checkout's idempotency key: one token places at most one order
    customer_id: int | None
    lines: tuple[DraftLine, ...]
    billing_address: dict = field(hash=False)
    shipping_address: dict = field(hash=False)
    shipping_method_id: int | None
    payment_method: str
    payment_reference: str = ""
    channel: str = Order.Channel.PHONE
    staff_note: str = ""
    customer_note: str = ""
    send_confirmation: bool = False
    save_addresses: bool = False
    expected_total: Decimal | None = None  # the total staff reviewed; None skips the check
    custom_lines: tuple[DraftCustomLine, ...] = ()
    discount: str = ""  # as typed: an amount (15.00) or a percent (10%); empty: none
    discount_reason: str = ""
    discount_by: int | None = None
    apply_store_credit: bool = False  # pay what the customer's store credit covers, on placing
    exchange_for: int | None = None  # the return (its number) this order exchanges: its credit pays for it
    quote_number: int | None = None  # the quote this order converts: its prices stand while it is valid

    def overrides(self) -> dict[int, DraftLine]:
        """The lines whose price staff set, by product (the last one named wins)."""
        return {line.product_id: line for line in self.lines if line.unit_price is not None}

    def quantities(self) -> dict[int, int]:
        """Quantity per product, a product named on two lines counted once."""
        merged: dict[int, int] = {}
        for line in self.lines:
            merged[line.product_id] = merged.get(line.product_id, 0) + line.quantity
        return merged
