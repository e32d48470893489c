import pytest

from oms.core.validators import looks_like_card_number


@pytest.mark.parametrize(
    ("text", "is_card"),
    [("4111 1111 1111 1111", True), ("4111-1111-1111-1112", False), ("PO-4411", False), ("AUTH 123456", False)],
)
def test_card_numbers_are_recognised(text, is_card):
    assert looks_like_card_number(text) is is_card
