"""orders.pricing: the one function every screen, email and document reads its money from."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orders.pricing.totals import Discount, DiscountError, LineInput, TaxRule, order_totals, price_line

D = Decimal
TAX_8 = TaxRule(rate=D("8.000"), jurisdiction="Oregon")


@pytest.mark.parametrize(("line", "unit", "total", "reason"), [
    # list price, no level
    (LineInput(D("10.00"), 3), D("10.00"), D("30.00"), ""),
    # a type's percent off list, rounded half-up once, on the unit
    (LineInput(D("9.99"), 3, percent_off=D("15"), level_name="Wholesale"), D("8.49"), D("25.47"),
     "Wholesale 15% off list"),
    (LineInput(D("0.05"), 1, percent_off=D("50"), level_name="Half"), D("0.03"), D("0.03"), "Half 50% off list"),
    # the type's own price for the product wins over its percent
    (LineInput(D("10.00"), 2, level_price=D("7.00"), percent_off=D("15"), level_name="Wholesale"), D("7.00"),
     D("14.00"), "Wholesale price"),
    # an override wins over both, with its reason
    (LineInput(D("10.00"), 2, level_price=D("7.00"), percent_off=D("15"), level_name="Wholesale",
               override=D("6.50"), override_reason="Price match"), D("6.50"), D("13.00"), "Override: Price match"),
    # an override above list is allowed and says why; it is no discount
    (LineInput(D("10.00"), 1, override=D("12.00"), override_reason="Rush"), D("12.00"), D("12.00"),
     "Override: Rush"),
    # a custom line: its own price, not taxed
    (LineInput(D("25.00"), 1, taxable=False), D("25.00"), D("25.00"), ""),
])
def test_price_line(line, unit, total, reason):
    priced = price_line(line)
    assert (priced.unit_price, priced.line_total, priced.reason) == (unit, total, reason)
    assert priced.discount == max((priced.list_price - unit) * line.quantity, D("0"))


def lines(*specs):
    return [price_line(LineInput(D(price), quantity, taxable=taxable)) for price, quantity, taxable in specs]


@pytest.mark.parametrize(("priced", "shipping", "tax", "discount", "expected"), [
    # taxable lines, untaxed shipping: 100 + 10 + 8
    (lines(("50.00", 2, True)), "10.00", TAX_8, None, ("100.00", "0.00", "8.00", "118.00")),
    # shipping taxed at the destination
    (lines(("50.00", 2, True)), "10.00", TaxRule(rate=D("8"), tax_shipping=True), None,
     ("100.00", "0.00", "8.80", "118.80")),
    # a non-taxable line (custom freight) bears no tax
    (lines(("50.00", 2, True), ("20.00", 1, False)), "0", TAX_8, None, ("120.00", "0.00", "8.00", "128.00")),
    # exempt customer: no tax at all
    (lines(("50.00", 2, True)), "10.00", TaxRule(rate=D("8"), exempt=True, exemption_number="EX-1"), None,
     ("100.00", "0.00", "0.00", "110.00")),
    # an amount off the order; tax on what is left
    (lines(("50.00", 2, True)), "0", TAX_8, Discount(D("15.00"), reason="Loyal"), ("100.00", "15.00", "6.80", "91.80")),
    # a percent off the order
    (lines(("33.33", 3, True)), "0", TAX_8, Discount(D("10"), is_percent=True), ("99.99", "10.00", "7.20", "97.19")),
    # the discount shared between taxable and untaxed lines in proportion
    (lines(("60.00", 1, True), ("40.00", 1, False)), "0", TAX_8, Discount(D("10.00")),
     ("100.00", "10.00", "4.32", "94.32")),
    # never below zero: an amount bigger than the subtotal takes it to zero, shipping stays
    (lines(("5.00", 1, True)), "7.00", TAX_8, Discount(D("50.00")), ("5.00", "5.00", "0.00", "7.00")),
    (lines(("5.00", 1, True)), "0", TAX_8, Discount(D("100"), is_percent=True), ("5.00", "5.00", "0.00", "0.00")),
])
def test_order_totals(priced, shipping, tax, discount, expected):
    totals = order_totals(lines=priced, shipping=D(shipping), tax=tax, discount=discount)
    assert (totals.subtotal, totals.discount, totals.tax, totals.total) == tuple(D(x) for x in expected)


@pytest.mark.parametrize(("typed", "value", "percent"), [
    ("15.00", D("15.00"), False), ("15", D("15"), False), ("10%", D("10"), True), (" 12.5 % ", D("12.5"), True),
    ("100%", D("100"), True), ("0", D("0"), False),
])
def test_discount_parses_amounts_and_percents(typed, value, percent):
    discount = Discount.parse(typed)
    assert (discount.value, discount.is_percent) == (value, percent)


@pytest.mark.parametrize("typed", ["101%", "-5", "²", "1\x00", "ten", "", "1.234", "5 %%", "9" * 10_000, "١٠"])
def test_discount_refuses_the_rest(typed):
    with pytest.raises(DiscountError):
        Discount.parse(typed)


cents = st.decimals(min_value=D("0"), max_value=D("5000"), places=2)
lines_strategy = st.lists(st.tuples(cents, st.integers(1, 500), st.booleans(),
                                    st.one_of(st.none(), cents), st.decimals(D("0"), D("100"), places=2)),
                          min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(specs=lines_strategy, shipping=cents, rate=st.decimals(D("0"), D("25"), places=3),
       tax_shipping=st.booleans(), exempt=st.booleans(),
       discount=st.one_of(st.none(), st.builds(Discount, cents), st.builds(
           Discount, st.decimals(D("0"), D("100"), places=2), st.just(True))))
def test_totals_add_up_never_negative_rounded_once_per_line(specs, shipping, rate, tax_shipping, exempt, discount):
    priced = [price_line(LineInput(list_price, quantity, percent_off=percent, level_name="Type", override=override,
                                   override_reason="why", taxable=taxable))
              for list_price, quantity, taxable, override, percent in specs]
    totals = order_totals(lines=priced, shipping=shipping,
                          tax=TaxRule(rate=rate, tax_shipping=tax_shipping, exempt=exempt), discount=discount)
    # the total is the sum of its parts
    assert totals.subtotal == sum(line.line_total for line in priced)
    assert totals.total == totals.subtotal - totals.discount + totals.shipping + totals.tax
    # nothing is negative, and the discount never exceeds what it is taken from
    assert min(totals.subtotal, totals.discount, totals.tax, totals.total, *(p.line_total for p in priced)) >= 0
    assert totals.discount <= totals.subtotal
    assert totals.tax == 0 if exempt else totals.tax >= 0
    for line in priced:
        # rounding happens once, on the unit price: the line total is that price times the quantity, exactly
        assert line.unit_price == line.unit_price.quantize(D("0.01"))
        assert line.line_total == line.unit_price * line.quantity
