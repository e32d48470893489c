import pytest

from oms.core.validators import contains_card_number

CARD = "4111111111111111"


def grouped(separator: str, card: str = CARD) -> str:
    return separator.join(card[index:index + 4] for index in range(0, len(card), 4))


@pytest.mark.parametrize(
    ("text", "is_card"),
    [
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("4111.1111.1111.1111", True),
        ("4111111111111111", True),
        ("Customer paid with 4111 1111 1111 1111 exp 12/29", True),
        ("card 4111 1111 1111 1111 12/29", True),  # the expiry straight after the number
        ("Amex 3782 822463 10005", True),  # 15 digits in 4-6-5 groups
        ("４１１１ １１１１ １１１１ １１１１", True),  # full-width digits
        ("4111-1111-1111-1112", False),  # fails the Luhn check
        ("4111 1111 1111 111", False),  # 15 digits that fail it
        ("PO-4411", False),
        ("AUTH 123456", False),
        ("Call 503 555 0100 after 3pm", False),
        ("", False),
    ],
)
def test_card_numbers_are_recognised_in_references_and_notes(text, is_card):
    assert contains_card_number(text) is is_card


@pytest.mark.parametrize("separator", ["  ", " - ", "/", "\t", "\u00a0", "_", ",", "\u200b", " / ", "\n", "--"],
                         ids=["two spaces", "spaced dash", "slash", "tab", "no-break space", "underscore", "comma",
                              "zero-width space", "spaced slash", "new line", "two dashes"])
def test_any_short_separator_between_digit_groups_is_seen_through(separator):
    assert contains_card_number(f"Paid with {grouped(separator)} today")
    assert not contains_card_number(f"Paid with {grouped(separator, '4111111111111112')} today")
