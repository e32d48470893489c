import pytest

from .factories import ShippingMethodFactory, TaxRateFactory, UserFactory
from .helpers import start_cart


@pytest.fixture
def staff(db):
    return UserFactory(username="alice")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def shipping(db):
    return ShippingMethodFactory()


@pytest.fixture
def tax(db):
    return TaxRateFactory()


@pytest.fixture
def checkout_setup(shipping, tax):
    """What checkout needs besides the cart: a shipping method and a tax rate."""
    return shipping, tax



@pytest.fixture
def new_cart(staff_client):
    """Start an order from the order list (New): call with an optional customer, get the cart id."""

    def start(customer=None) -> str:
        return start_cart(staff_client, customer)

    return start
