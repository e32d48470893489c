"""Checks that forms share: what a field must never hold."""

import re

from django.core.exceptions import ValidationError

# 13-19 digits, perhaps grouped by spaces, dots or dashes, as card numbers are read out and typed.
CARD_RUN = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){12,18}(?!\d)")
CARD_MESSAGE = ("This looks like a card number. Never store card numbers: for a card payment enter the "
                "terminal's authorization code, and leave card details out of notes.")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def contains_card_number(text: str) -> bool:
    """True when ``text`` holds 13-19 digits (grouped or not) that pass the Luhn check anywhere in it."""
    return any(luhn_valid(re.sub(r"\D", "", match.group())) for match in CARD_RUN.finditer(text))


def validate_no_card_number(text: str) -> None:
    """A field validator: we must never store card numbers, in a reference or a note."""
    if contains_card_number(text):
        raise ValidationError(CARD_MESSAGE, code="card_number")
