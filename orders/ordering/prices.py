"""A draft priced as order_place will write it: each line's price (level, table, override), the custom items,
the discount and the tax for the shipping address, all through orders.pricing; and what stops it, in words."""

from dataclasses import dataclass
from decimal import Decimal

from catalog.models import Product
from customers.models import Customer
from oms.core.money import MAX_AMOUNT
from orders.models import OrderLine
from orders.ordering.checkout import DraftCustomLine, OrderDraft
from orders.ordering.stores import MAX_QUANTITY
from orders.pricing.selectors import tax_for
from orders.pricing.totals import (
    Discount,
    DiscountError,
    LineInput,
    PricedLine,
    TaxRule,
    Totals,
    catalog_line,
    order_totals,
    price_line,
    totals_problems,
)

MAX_PRICE = MAX_AMOUNT


@dataclass(frozen=True)
class Quote:
    lines: list[tuple[Product, PricedLine]]
    custom: list[tuple[DraftCustomLine, PricedLine]]
    tax: TaxRule
    discount: Discount | None
    totals: Totals

    @property
    def problems(self) -> list[str]:
        """An order too large for its money columns (orders.pricing.totals_problems)."""
        return totals_problems(self.totals, [priced for _, priced in self.lines + self.custom])


def pricing_problems(draft: OrderDraft, customer: Customer | None, placed_by, promise: dict | None = None) -> list[str]:
    """Overrides without a reason or by someone not allowed, custom items that cannot be, a discount that does
    not parse, a payment method the customer's type may not use: every one at once. The prices and the discount
    a live quote promised (``promise``: orders.quotes.services.quote_promise) need no permission to keep."""
    problems = []
    overrides = draft.overrides()
    promised = promise["prices"] if promise else {}
    own = [line for pk, line in overrides.items() if promised.get(pk) != line.unit_price]
    own_discount = draft.discount and not (promise and promise["discount"] == draft.discount)
    if (own or own_discount) and placed_by is not None and not placed_by.has_perm("orders.change_price"):
        problems.append("You may not change prices or give discounts: ask a manager.")
    problems += _override_problems(overrides.values())
    for custom in draft.custom_lines:
        if not custom.description.strip() or not Decimal("0") <= custom.unit_price <= MAX_PRICE \
                or not 0 < custom.quantity <= MAX_QUANTITY:
            problems.append(f"Custom item “{custom.description[:50]}”: it needs a description, a price of 0 or more "
                            f"and a quantity from 1 to {MAX_QUANTITY:,}.")
    if draft.discount:
        try:
            Discount.parse(draft.discount, draft.discount_reason)
        except DiscountError as error:
            problems.append(f"Discount: {error}")
        if not draft.discount_reason.strip():
            problems.append("Discount: say why it is given.")
    kind = customer.customer_type if customer else None
    if kind and not kind.allows(draft.payment_method):
        problems.append(f"{kind.name} customers may not pay by {draft.payment_method.replace('_', ' ')}: "
                        "choose another payment method.")
    return problems


def _override_problems(lines) -> list[str]:
    problems = []
    for line in lines:
        if not line.price_reason.strip():
            problems.append(f"Product {line.product_id}: say why its price was changed.")
        if not Decimal("0") <= line.unit_price <= MAX_PRICE:
            problems.append(f"Product {line.product_id}: a unit price must be between 0 and {MAX_PRICE:,}.")
    return problems


def quote(draft: OrderDraft, customer: Customer, products: list[Product], quantities: dict[int, int], *,
          shipping: Decimal) -> Quote:
    """Price the draft (call once pricing_problems found nothing): products carry their type's price
    (orders.selectors.products_priced_for); one query for the tax."""
    kind = customer.customer_type
    overrides = draft.overrides()
    lines = []
    for product in products:
        override = overrides.get(product.pk)
        lines.append((product, price_line(catalog_line(
            list_price=product.price, quantity=quantities[product.pk], kind=kind,
            level_price=getattr(product, "level_price", None),
            override=override.unit_price if override else None,
            override_reason=override.price_reason.strip() if override else ""))))
    custom = [(line, price_line(LineInput(list_price=line.unit_price, quantity=line.quantity, taxable=line.taxable)))
              for line in draft.custom_lines]
    tax = tax_for(draft.shipping_address, customer)
    discount = Discount.parse(draft.discount, draft.discount_reason.strip()) if draft.discount else None
    totals = order_totals(lines=[priced for _, priced in lines] + [priced for _, priced in custom],
                          shipping=shipping, tax=tax, discount=discount)
    return Quote(lines, custom, tax, discount, totals)


def line_rows(found: Quote, draft: OrderDraft, placed_by) -> list[OrderLine]:
    """The order's lines as snapshots: list price, price charged, what is off list and why, who approved it."""
    overrides = draft.overrides()
    approver = placed_by.pk if placed_by is not None else None
    rows = [OrderLine(product=product, sku=product.sku, name=product.name, list_price=priced.list_price,
                      unit_price=priced.unit_price, quantity=priced.quantity, line_total=priced.line_total,
                      discount=priced.discount, price_reason=priced.reason[:200],
                      price_approved_by_id=(overrides[product.pk].price_by or approver) if priced.overridden else None)
            for product, priced in found.lines]
    rows += [OrderLine(product=None, is_custom=True, sku="", name=line.description.strip()[:200],
                       list_price=priced.list_price, unit_price=priced.unit_price, quantity=priced.quantity,
                       line_total=priced.line_total, taxable=line.taxable)
             for line, priced in found.custom]
    return rows
