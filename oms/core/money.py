"""Money as staff read it: "$1,234.50", the currency from settings.CURRENCY."""

from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format

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
