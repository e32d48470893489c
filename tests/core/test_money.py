"""Money as staff read it."""

from decimal import Decimal

import pytest

from oms.core.money import format_money


@pytest.mark.parametrize(("amount", "shown"), [
    (Decimal("0"), "$0.00"), (Decimal("5"), "$5.00"), (Decimal("999.995"), "$1,000.00"),
    (Decimal("1234.5"), "$1,234.50"), (Decimal("-1234567.891"), "-$1,234,567.89"), ("12", "$12.00"),
    (None, ""), ("", ""),
])
def test_money_has_the_currency_thousands_separators_and_two_decimals(amount, shown, settings):
    settings.CURRENCY = "USD"
    assert format_money(amount) == shown


def test_a_currency_without_a_symbol_follows_the_amount(settings):
    settings.CURRENCY = "CHF"
    assert format_money(Decimal("1234.5")) == "1,234.50 CHF"
