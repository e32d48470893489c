import pytest

from oms.core.validators import contains_card_number


@pytest.mark.parametrize(
    ("text", "is_card"),
    [
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("4111.1111.1111.1111", True),
        ("4111111111111111", True),
        ("Customer paid with 4111 1111 1111 1111 exp 12/29", True),
        ("4111-1111-1111-1112", False),  # fails the Luhn check
        ("PO-4411", False),
        ("AUTH 123456", False),
        ("Call 503 555 0100 after 3pm", False),
        ("", False),
    ],
)
def test_card_numbers_are_recognised_in_references_and_notes(text, is_card):
    assert contains_card_number(text) is is_card
