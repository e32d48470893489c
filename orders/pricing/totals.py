"""Order money in one place: Decimal throughout, rounded half-up to cents here and nowhere else.

A line's unit price is decided once (an override, else the customer type's price for the product, else list
less the type's percent) and rounded to cents once; its total is that price times the quantity, exact. The
order discount (an amount, or a percent of the subtotal) never takes the order below zero; tax is charged on the
taxable lines less their share of the discount, plus shipping where the destination taxes it, unless the
customer is exempt. The cart, checkout, order_place, order editing, emails, documents and the admin all read
their money from ``price_line`` and ``order_totals``.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from oms.core.money import MAX_AMOUNT, MAX_LINE_AMOUNT

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def to_cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return to_cents(unit_price * quantity)


@dataclass(frozen=True)
class LineInput:
    """A line before pricing: the catalog's price and what may change it."""

    list_price: Decimal
    quantity: int
    level_price: Decimal | None = None  # the product's price in the customer type's table
    percent_off: Decimal = ZERO  # the customer type's default percent off list
    level_name: str = ""  # the customer type, for the reason shown
    override: Decimal | None = None  # a unit price staff set (orders.change_price)
    override_reason: str = ""
    taxable: bool = True


@dataclass(frozen=True)
class PricedLine:
    list_price: Decimal
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    discount: Decimal  # off list for the whole line; never negative (an override above list is no discount)
    reason: str  # why the unit price differs from list; empty when it does not
    taxable: bool = True
    overridden: bool = False

    @property
    def differs(self) -> bool:
        return self.unit_price != self.list_price


def price_line(line: LineInput) -> PricedLine:
    """The one place a line's unit price is chosen and rounded."""
    if line.override is not None:
        unit, reason = to_cents(line.override), f"Override: {line.override_reason}"
    elif line.level_price is not None:
        unit, reason = to_cents(line.level_price), f"{line.level_name} price"
    elif line.percent_off:
        unit = to_cents(line.list_price * (HUNDRED - line.percent_off) / HUNDRED)
        reason = f"{line.level_name} {line.percent_off.normalize():f}% off list"
    else:
        unit, reason = to_cents(line.list_price), ""
    unit, listed = max(unit, ZERO), to_cents(line.list_price)
    total = unit * line.quantity  # exact: unit is in cents
    discount = max((listed - unit) * line.quantity, ZERO)
    return PricedLine(list_price=listed, unit_price=unit, quantity=line.quantity,
                      line_total=total, discount=discount, reason=reason if unit != listed or line.override is not None
                      else "",
                      taxable=line.taxable, overridden=line.override is not None)


def catalog_line(*, list_price: Decimal, quantity: int, kind=None, level_price: Decimal | None = None,
                 override: Decimal | None = None, override_reason: str = "") -> LineInput:
    """A catalogue product's line for a customer of ``kind`` (a customers.CustomerType, or None: list price)."""
    return LineInput(list_price=list_price, quantity=quantity, level_price=level_price,
                     percent_off=kind.percent_off if kind else ZERO, level_name=kind.name if kind else "",
                     override=override, override_reason=override_reason)


def kept_line(*, list_price: Decimal, unit_price: Decimal, quantity: int, override: Decimal | None = None,
              override_reason: str = "") -> LineInput:
    """A placed order's line: it keeps the price it was sold at unless staff set another."""
    return LineInput(list_price=list_price, quantity=quantity,
                     override=unit_price if override is None else override, override_reason=override_reason)


class DiscountError(ValueError):
    pass


DISCOUNT_TEXT = re.compile(r"\s*(\d{1,9}(?:\.\d{1,2})?)\s*(%?)\s*", re.ASCII)


@dataclass(frozen=True)
class Discount:
    """An order discount as staff typed it: an amount (``15.00``) or a percent of the subtotal (``10%``)."""

    value: Decimal
    is_percent: bool = False
    reason: str = ""

    @classmethod
    def parse(cls, text: str, reason: str = "") -> "Discount":
        """Raises DiscountError, in words for staff, for anything but a plain amount or a percent up to 100."""
        match = DISCOUNT_TEXT.fullmatch(text or "")
        if not match:
            raise DiscountError("Enter an amount such as 15.00 or a percent such as 10%.")
        try:
            value = Decimal(match.group(1))
        except InvalidOperation as error:  # pragma: no cover - the pattern admits only plain numbers
            raise DiscountError("Enter an amount such as 15.00 or a percent such as 10%.") from error
        if match.group(2) and value > HUNDRED:
            raise DiscountError("A percent discount can be at most 100%.")
        return cls(value=value, is_percent=bool(match.group(2)), reason=reason)

    @property
    def entered(self) -> str:
        return f"{self.value.normalize():f}%" if self.is_percent else f"{to_cents(self.value)}"

    def amount_of(self, subtotal: Decimal) -> Decimal:
        """What it takes off ``subtotal``: rounded once, never more than the subtotal nor below zero."""
        amount = subtotal * self.value / HUNDRED if self.is_percent else self.value
        return min(max(to_cents(amount), ZERO), subtotal)


@dataclass(frozen=True)
class TaxRule:
    """The tax for a destination (orders.selectors.tax_for) and the customer's exemption."""

    rate: Decimal = ZERO
    jurisdiction: str = ""
    tax_shipping: bool = False
    exempt: bool = False
    exemption_number: str = ""

    @property
    def key(self) -> str:
        return f"{self.rate}:{self.jurisdiction}:{self.tax_shipping}:{self.exempt}"


NO_TAX = TaxRule()


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal  # the lines' totals
    shipping: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    discount: Decimal = ZERO  # the order discount, off the subtotal
    taxable: Decimal = ZERO  # what tax was charged on
    rule: TaxRule = NO_TAX
    discount_reason: str = ""
    discount_entered: str = ""

    # Read by the same templates as an Order's fields of these names.
    @property
    def tax_jurisdiction(self) -> str:
        return self.rule.jurisdiction

    @property
    def tax_shipping(self) -> bool:
        return self.rule.tax_shipping

    @property
    def tax_exempt(self) -> bool:
        return self.rule.exempt

    @property
    def tax_exemption_number(self) -> str:
        return self.rule.exemption_number


def order_totals(*, lines: Iterable, shipping: Decimal, tax: TaxRule = NO_TAX,
                 discount: Discount | None = None) -> Totals:
    """Totals for priced lines (a bare Decimal is a taxable line total, as a placed order's lines are read)."""
    lines = list(lines)
    subtotal = sum((_total(line) for line in lines), ZERO)
    taxable_lines = sum((_total(line) for line in lines if getattr(line, "taxable", True)), ZERO)
    off = discount.amount_of(subtotal) if discount else ZERO
    # The taxable lines bear their share of the discount (rounded once).
    taxable_off = to_cents(off * taxable_lines / subtotal) if subtotal else ZERO
    shipping = to_cents(shipping)
    base = taxable_lines - taxable_off + (shipping if tax.tax_shipping else ZERO)
    tax_amount = ZERO if tax.exempt else to_cents(base * tax.rate / HUNDRED)
    return Totals(subtotal=subtotal, shipping=shipping, tax_rate=ZERO if tax.exempt else tax.rate,
                  tax=tax_amount, total=subtotal - off + shipping + tax_amount, discount=off,
                  taxable=ZERO if tax.exempt else base, rule=tax,
                  discount_reason=discount.reason if discount and off else "",
                  discount_entered=discount.entered if discount and off else "")


def totals_problems(totals: Totals, lines: Iterable = ()) -> list[str]:
    """Why an order with these totals and priced lines would not fit its money columns, in words for staff
    (empty when it fits). Placing, editing and the cart all ask here."""
    too_large = [label for label, amount in (("total", totals.total), ("subtotal", totals.subtotal),
                                             ("tax", totals.tax)) if amount > MAX_AMOUNT]
    problems = [f"The order's {too_large[0]} would exceed {MAX_AMOUNT:,}: lower a price or a quantity, or split "
                "it into several orders."] if too_large else []
    return problems + lines_problems(lines)


def lines_problems(lines: Iterable) -> list[str]:
    """Priced lines (or OrderLines) whose total or discount off list would not fit their columns."""
    problems, lines = [], list(lines)
    if any(_total(line) > MAX_AMOUNT for line in lines):
        problems.append(f"A line's total would exceed {MAX_AMOUNT:,}: lower its price or quantity.")
    if any(getattr(line, "discount", ZERO) > MAX_LINE_AMOUNT for line in lines):
        problems.append(f"A line's discount off list would exceed {MAX_LINE_AMOUNT:,}: lower its quantity.")
    return problems


def _total(line) -> Decimal:
    """A priced line's (or a placed OrderLine's) total; a bare Decimal is a line total itself."""
    return to_cents(getattr(line, "line_total", line))


def credit_totals(*, order, lines: Iterable[tuple], refund_shipping: bool = False) -> Totals:
    """What giving back ``lines`` ((an order's OrderLine, quantity) pairs) credits on ``order``: each at the price
    charged, less its share of the order discount (the same share of the subtotal), plus its tax as the order was
    taxed, and the shipping charge when it is refunded. Through ``order_totals``, as the order itself was priced."""
    priced = [PricedLine(list_price=line.unit_price, unit_price=line.unit_price, quantity=quantity,
                         line_total=line_total(line.unit_price, quantity), discount=ZERO, reason="",
                         taxable=line.taxable) for line, quantity in lines]
    subtotal = sum((line.line_total for line in priced), ZERO)
    share = to_cents(order.discount * subtotal / order.subtotal) if order.subtotal else ZERO
    rule = TaxRule(rate=order.tax_rate, jurisdiction=order.tax_jurisdiction, tax_shipping=order.tax_shipping,
                   exempt=order.tax_exempt, exemption_number=order.tax_exemption_number)
    return order_totals(lines=priced, shipping=order.shipping if refund_shipping else ZERO, tax=rule,
                        discount=Discount(value=share, reason="share of the order discount") if share else None)
