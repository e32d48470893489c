"""Money as staff read it: "$1,234.50", the currency from settings.CURRENCY."""

from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format

# The largest amounts the money columns hold (max_digits 12 and 14, two places): an order's subtotal, discount,
# tax and total, a unit price, a payment and the sum of the payments; a line's total and its discount off list.
# The models' check constraints and the pricing of an order bound every amount by them.
MAX_AMOUNT = Decimal("9999999999.99")
MAX_LINE_AMOUNT = Decimal("999999999999.99")

SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "GBP": "£", "EUR": "€"}


def format_money(amount) -> str:
    """1234.5 -> "$1,234.50"; None or "" -> "". Separators are the active language's (Django's number_format),
    grouped whatever USE_THOUSAND_SEPARATOR says: an amount of money always shows its thousands."""
    if amount is None or amount == "":
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    digits = number_format(abs(value), decimal_pos=2, force_grouping=True)
    symbol = SYMBOLS.get(settings.CURRENCY)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {settings.CURRENCY}"
