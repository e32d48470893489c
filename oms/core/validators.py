"""Checks that forms share: what a field must never hold."""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Digit groups joined by short runs of anything but letters and digits (spaces, tabs, dashes, slashes, dots,
# commas, underscores, invisible spaces), as card numbers are read out, typed and pasted.
DIGIT_RUN = re.compile(r"\d+(?:[\W_]{1,3}\d+)*")
DIGIT_GROUP = re.compile(r"\d+")
CARD_DIGITS = range(13, 20)
CARD_MESSAGE = ("This looks like a card number. Never store card numbers: for a card payment enter the "
                "terminal's authorization code, and leave card details out of notes.")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def contains_card_number(text: str) -> bool:
    """True when ``text`` holds 13-19 digits that pass the Luhn check: consecutive digit groups of a run, with
    whatever short separators between them, after Unicode NFKC (full-width digits, no-break spaces)."""
    for run in DIGIT_RUN.finditer(unicodedata.normalize("NFKC", text)):
        groups = DIGIT_GROUP.findall(run.group())
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) > CARD_DIGITS[-1]:
                    break
                if len(digits) in CARD_DIGITS and luhn_valid(digits):
                    return True
    return False


def validate_no_card_number(text: str) -> None:
    """A validator for every free-text field staff type (a model field's or a form field's): we must never store
    card numbers, in a reference, a reason or a note."""
    if contains_card_number(text):
        raise ValidationError(CARD_MESSAGE, code="card_number")
