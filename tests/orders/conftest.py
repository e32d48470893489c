import pytest

from tests.helpers import start_cart


@pytest.fixture
def new_cart(staff_client):
    """Start an order from the order list (New): call with an optional customer, get the cart id."""

    def start(customer=None) -> str:
        return start_cart(staff_client, customer)

    return start
