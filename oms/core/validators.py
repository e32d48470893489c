"""Checks that forms share: what a field must never hold."""

import re

CARD_NUMBER = re.compile(r"^\d{13,19}$")


def looks_like_card_number(text: str) -> bool:
    """True for 13-19 digits that pass the Luhn check: we must never store card numbers."""
    digits = re.sub(r"[\s-]", "", text)
    if not CARD_NUMBER.match(digits):
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0
